//! Walking untrusted JSON with the path of every node, so that each diagnostic says where.

use serde_json::Value as Json;
use stix::JsonPath;

/// A JSON value and where it is.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Node<'a, 'p> {
    pub value: &'a Json,
    pub path: &'p JsonPath,
}

/// A JSON value with an owned path (for children).
#[derive(Debug, Clone)]
pub(crate) struct Child<'a> {
    pub value: &'a Json,
    pub path: JsonPath,
}

impl<'a> Child<'a> {
    pub(crate) fn node(&self) -> Node<'a, '_> {
        Node {
            value: self.value,
            path: &self.path,
        }
    }
}

impl<'a> Node<'a, '_> {
    /// Returns the member `key`, if this is an object holding it and it is not null.
    pub(crate) fn get(&self, key: &str) -> Option<Child<'a>> {
        let value = self.value.as_object()?.get(key)?;
        (!value.is_null()).then(|| Child {
            value,
            path: self.path.key(key),
        })
    }

    /// Returns the member `key` as text: strings as they are, numbers and booleans printed
    /// (MISP writes timestamps and flags either way).
    pub(crate) fn text(&self, key: &str) -> Option<String> {
        match self.value.as_object()?.get(key)? {
            Json::String(text) => Some(text.clone()),
            Json::Number(number) => Some(number.to_string()),
            Json::Bool(flag) => Some(flag.to_string()),
            _ => None,
        }
    }

    /// Returns the member `key` as a flag: `true`, `1`, `"1"`, `"true"` (any case).
    pub(crate) fn flag(&self, key: &str) -> Option<bool> {
        match self.value.as_object()?.get(key)? {
            Json::Bool(flag) => Some(*flag),
            Json::Number(number) => Some(number.as_i64() == Some(1)),
            Json::String(text) => match text.to_ascii_lowercase().as_str() {
                "1" | "true" => Some(true),
                "0" | "false" | "" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// Returns the elements of the list member `key` (none when absent or not a list).
    pub(crate) fn list(&self, key: &str) -> Vec<Child<'a>> {
        let Some(Json::Array(items)) = self.value.as_object().and_then(|map| map.get(key)) else {
            return Vec::new();
        };
        let base = self.path.key(key);
        items
            .iter()
            .enumerate()
            .map(|(idx, value)| Child {
                value,
                path: base.index(idx),
            })
            .collect()
    }

    /// Returns the names of the `Tag` list's entries.
    pub(crate) fn tag_names(&self) -> Vec<String> {
        self.list("Tag")
            .iter()
            .filter_map(|tag| tag.node().text("name"))
            .collect()
    }
}
