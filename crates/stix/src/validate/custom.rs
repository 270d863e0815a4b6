//! Custom content: the naming conventions of custom types, properties and extensions
//! (`custom-prefix`, `custom-prefix-lax`), the 2.1 extension mechanism (`extensions-use`), and
//! the `strict_types`/`strict_properties` options.

use serde_json::{Map, Value};

use super::context::Ctx;
use super::schema::{self, Kind, Prop};
use crate::Category;
use crate::error::JsonPath;

/// One custom name found in an object, with where it was found.
struct CustomName {
    name: String,
    path: JsonPath,
    /// Where it lives: a top-level property, inside an embedded type, inside an extension.
    place: Place,
}

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
    path: &JsonPath,
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
                type_path.clone(),
                format!("custom type {object_type:?} should start with `x-`, a source prefix and a hyphen"),
            );
        }
        if !object_type.starts_with("x-") {
            ctx.should(
                "custom-prefix-lax",
                type_path.clone(),
                format!("custom type {object_type:?} should start with `x-`"),
            );
        }
        if !extension_types
            .iter()
            .any(|kind| matches!(*kind, "new-sdo" | "new-sco" | "new-sro"))
        {
            ctx.should(
                "extensions-use",
                type_path.clone(),
                format!("custom type {object_type:?} should be defined by an extension of type new-sdo, new-sco or new-sro"),
            );
        }
        ctx.should(
            "strict-types",
            type_path,
            format!("`{object_type}` is not an object type of the spec"),
        );
        return;
    }
    let Some(def) = def else {
        return;
    };
    let mut names = Vec::new();
    let common = schema::common_properties(object_type, category);
    collect_custom(map, path, &[common, def.props], Place::TopLevel, &mut names);
    if let Some(Value::Object(extensions)) = map.get("extensions") {
        for (key, extension) in extensions {
            let ext_path = path.key("extensions").key(key);
            if key.starts_with("extension-definition--") {
                continue;
            }
            let predefined = schema::predefined_extension(key)
                .filter(|_| def.extensions.contains(&key.as_str()));
            match (predefined, extension.as_object()) {
                (Some(ext), Some(fields)) => {
                    collect_custom(fields, &ext_path, &[ext.props], Place::Nested, &mut names)
                }
                _ if category == Category::Observable => names.push(CustomName {
                    name: key.clone(),
                    path: ext_path,
                    place: Place::ExtensionKey,
                }),
                _ => {}
            }
        }
    }
    let has_toplevel_extension = extension_types.contains(&"toplevel-property-extension");
    let has_property_extension = extension_types.contains(&"property-extension");
    for custom in names {
        let CustomName { name, path, place } = custom;
        if schema::is_reserved_property(&name) {
            continue; // an error already
        }
        match place {
            Place::ExtensionKey => {
                if !is_strict_extension_name(&name) {
                    ctx.should(
                        "custom-prefix",
                        path.clone(),
                        format!("custom extension {name:?} should start with `x-`, a source prefix and a hyphen, and end with `-ext`"),
                    );
                }
                if !name.starts_with("x-") {
                    ctx.should(
                        "custom-prefix-lax",
                        path.clone(),
                        format!("custom extension {name:?} should start with `x-`"),
                    );
                }
                if !has_property_extension {
                    ctx.should(
                        "extensions-use",
                        path.clone(),
                        format!("custom extension {name:?} should be an extension definition of type property-extension"),
                    );
                }
            }
            Place::TopLevel | Place::Nested => {
                if !is_strict_property_name(&name) {
                    ctx.should(
                        "custom-prefix",
                        path.clone(),
                        format!("custom property {name:?} should start with `x_`, a source prefix and an underscore"),
                    );
                }
                if !name.starts_with("x_") {
                    ctx.should(
                        "custom-prefix-lax",
                        path.clone(),
                        format!("custom property {name:?} should start with `x_`"),
                    );
                }
                if place == Place::Nested || !has_toplevel_extension {
                    ctx.should(
                        "extensions-use",
                        path.clone(),
                        format!("custom property {name:?} should be defined by an extension (property-extension or toplevel-property-extension)"),
                    );
                }
                ctx.should(
                    "strict-properties",
                    path,
                    format!("`{name}` is not a property the spec defines for `{object_type}`"),
                );
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
            path.clone(),
            "a custom marking definition should be defined by an extension",
        );
    }
}

/// Collects the names in `map` that `props` does not define, descending into embedded types.
fn collect_custom(
    map: &Map<String, Value>,
    path: &JsonPath,
    props: &[&'static [Prop]],
    place: Place,
    out: &mut Vec<CustomName>,
) {
    for (name, value) in map {
        let known = props
            .iter()
            .flat_map(|props| props.iter())
            .find(|prop| prop.name == name);
        match known.map(|prop| prop.kind) {
            None => out.push(CustomName {
                name: name.clone(),
                path: path.key(name),
                place,
            }),
            Some(Kind::Object(inner)) => {
                if let Some(inner_map) = value.as_object() {
                    collect_custom(inner_map, &path.key(name), &[inner], Place::Nested, out);
                }
            }
            Some(Kind::Objects(inner)) => {
                for (idx, item) in value.as_array().into_iter().flatten().enumerate() {
                    if let Some(inner_map) = item.as_object() {
                        collect_custom(
                            inner_map,
                            &path.key(name).index(idx),
                            &[inner],
                            Place::Nested,
                            out,
                        );
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
