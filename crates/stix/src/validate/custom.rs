//! Custom content: the naming conventions of custom types, properties and extensions
//! (`custom-prefix`, `custom-prefix-lax`), the 2.1 extension mechanism (`extensions-use`), and
//! the `strict_types`/`strict_properties` options.

use serde_json::{Map, Value};

use super::context::At;
use super::context::Ctx;
use super::schema::{self, Kind, Prop};
use crate::Category;

/// Where a custom name lives: a top-level property, a property inside an embedded type or a
/// predefined extension, or the key of a custom observable extension.
#[derive(PartialEq, Eq, Clone, Copy)]
enum Place {
    TopLevel,
    Nested,
    ExtensionKey,
}

/// Runs the custom-content checks of one object.
pub(crate) fn check_custom_content(
    ctx: &mut Ctx,
    map: &Map<String, Value>,
    path: &At<'_>,
    object_type: &str,
    category: Category,
) {
    let def = schema::type_def(object_type);
    let is_custom_type = def.is_none() && object_type != "action";
    let extension_types: Vec<&str> = map
        .get("extensions")
        .and_then(Value::as_object)
        .map(|extensions| {
            extensions
                .values()
                .filter_map(|ext| ext.get("extension_type")?.as_str())
                .collect()
        })
        .unwrap_or_default();
    if is_custom_type {
        let type_path = path.key("type");
        if !is_strict_type_name(object_type) {
            ctx.should(
                "custom-prefix",
                &type_path,
                format!("custom type {object_type:?} should start with `x-`, a source prefix and a hyphen"),
            );
        }
        if !object_type.starts_with("x-") {
            ctx.should(
                "custom-prefix-lax",
                &type_path,
                format!("custom type {object_type:?} should start with `x-`"),
            );
        }
        if !extension_types
            .iter()
            .any(|kind| matches!(*kind, "new-sdo" | "new-sco" | "new-sro"))
        {
            ctx.should(
                "extensions-use",
                &type_path,
                format!("custom type {object_type:?} should be defined by an extension of type new-sdo, new-sco or new-sro"),
            );
        }
        ctx.should(
            "strict-types",
            &type_path,
            format!("`{object_type}` is not an object type of the spec"),
        );
        return;
    }
    let Some(def) = def else {
        return;
    };
    let has_toplevel_extension = extension_types.contains(&"toplevel-property-extension");
    let has_property_extension = extension_types.contains(&"property-extension");
    let mut report = |ctx: &mut Ctx, name: &str, path: &At<'_>, place: Place| {
        report_custom_name(
            ctx,
            name,
            path,
            place,
            object_type,
            has_toplevel_extension,
            has_property_extension,
        );
    };
    let common = schema::common_properties(object_type, category);
    collect_custom(
        ctx,
        map,
        path,
        &[common, def.props],
        Place::TopLevel,
        &mut report,
    );
    if let Some(Value::Object(extensions)) = map.get("extensions") {
        let extensions_path = path.key("extensions");
        for (key, extension) in extensions {
            let ext_path = extensions_path.key(key);
            if key.starts_with("extension-definition--") {
                continue;
            }
            let predefined = schema::predefined_extension(key)
                .filter(|_| def.extensions.contains(&key.as_str()));
            match (predefined, extension.as_object()) {
                (Some(ext), Some(fields)) => collect_custom(
                    ctx,
                    fields,
                    &ext_path,
                    &[ext.props],
                    Place::Nested,
                    &mut report,
                ),
                _ if category == Category::Observable => {
                    report(ctx, key, &ext_path, Place::ExtensionKey);
                }
                _ => {}
            }
        }
    }
    if object_type == "marking-definition"
        && !map.contains_key("extensions")
        && !matches!(
            map.get("definition_type").and_then(Value::as_str),
            Some("statement" | "tlp")
        )
    {
        ctx.should(
            "extensions-use",
            path,
            "a custom marking definition should be defined by an extension",
        );
    }
}

/// Reports one custom name: its prefix conventions, the extension mechanism, and
/// `strict_properties`. Only checks that run build their messages.
fn report_custom_name(
    ctx: &mut Ctx,
    name: &str,
    path: &At<'_>,
    place: Place,
    object_type: &str,
    has_toplevel_extension: bool,
    has_property_extension: bool,
) {
    if schema::is_reserved_property(name) {
        return; // an error already
    }
    if place == Place::ExtensionKey {
        if ctx.runs("custom-prefix") && !is_strict_extension_name(name) {
            ctx.should(
                "custom-prefix",
                path,
                format!("custom extension {name:?} should start with `x-`, a source prefix and a hyphen, and end with `-ext`"),
            );
        }
        if ctx.runs("custom-prefix-lax") && !name.starts_with("x-") {
            ctx.should(
                "custom-prefix-lax",
                path,
                format!("custom extension {name:?} should start with `x-`"),
            );
        }
        if ctx.runs("extensions-use") && !has_property_extension {
            ctx.should(
                "extensions-use",
                path,
                format!("custom extension {name:?} should be an extension definition of type property-extension"),
            );
        }
        return;
    }
    if ctx.runs("custom-prefix") && !is_strict_property_name(name) {
        ctx.should(
            "custom-prefix",
            path,
            format!(
                "custom property {name:?} should start with `x_`, a source prefix and an underscore"
            ),
        );
    }
    if ctx.runs("custom-prefix-lax") && !name.starts_with("x_") {
        ctx.should(
            "custom-prefix-lax",
            path,
            format!("custom property {name:?} should start with `x_`"),
        );
    }
    if ctx.runs("extensions-use") && (place == Place::Nested || !has_toplevel_extension) {
        ctx.should(
            "extensions-use",
            path,
            format!("custom property {name:?} should be defined by an extension (property-extension or toplevel-property-extension)"),
        );
    }
    if ctx.runs("strict-properties") {
        ctx.should(
            "strict-properties",
            path,
            format!("`{name}` is not a property the spec defines for `{object_type}`"),
        );
    }
}

/// Calls `report` for every name in `map` that `props` does not define, descending into
/// embedded types.
fn collect_custom(
    ctx: &mut Ctx,
    map: &Map<String, Value>,
    path: &At<'_>,
    props: &[&'static [Prop]],
    place: Place,
    report: &mut dyn FnMut(&mut Ctx, &str, &At<'_>, Place),
) {
    for (name, value) in map {
        let known = schema::find_prop(props, name);
        let name_path = path.key(name);
        match known.map(|prop| prop.kind) {
            None => report(ctx, name, &name_path, place),
            Some(Kind::Object(inner)) => {
                if let Some(inner_map) = value.as_object() {
                    collect_custom(ctx, inner_map, &name_path, &[inner], Place::Nested, report);
                }
            }
            Some(Kind::Objects(inner)) => {
                for (idx, item) in value.as_array().into_iter().flatten().enumerate() {
                    if let Some(inner_map) = item.as_object() {
                        let item_path = name_path.index(idx);
                        collect_custom(ctx, inner_map, &item_path, &[inner], Place::Nested, report);
                    }
                }
            }
            Some(_) => {}
        }
    }
}

/// `x-` + source + `-` + name.
pub(crate) fn is_strict_type_name(name: &str) -> bool {
    name.strip_prefix("x-")
        .is_some_and(|rest| has_inner_separator(rest, '-'))
}

/// `x_` + source + `_` + name.
pub(crate) fn is_strict_property_name(name: &str) -> bool {
    name.strip_prefix("x_")
        .is_some_and(|rest| has_inner_separator(rest, '_'))
}

/// `x-` + source + `-` + name + `-ext`.
fn is_strict_extension_name(name: &str) -> bool {
    name.strip_suffix("-ext").is_some_and(is_strict_type_name)
}

/// Returns whether `separator` occurs with at least one character on each side.
fn has_inner_separator(text: &str, separator: char) -> bool {
    text.char_indices()
        .any(|(idx, c)| c == separator && idx > 0 && idx + c.len_utf8() < text.len())
}
