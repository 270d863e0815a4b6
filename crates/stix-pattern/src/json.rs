//! Read access to JSON, so that evaluation runs on the JSON a caller already holds:
//! `serde_json::Value` everywhere, or `sonic_rs::Value` on hot paths (log lines, test cases),
//! which parses several times faster.

/// A JSON number as comparisons read it: an integer when it is written as one, else a float.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum JsonNumber {
    /// An integer (within the range of `i64` or `u64`).
    Int(i128),
    /// A number with a fraction or exponent, or an integer beyond 64 bits.
    Float(f64),
}

/// A JSON value the evaluator can read.
pub trait JsonValue: Clone + std::fmt::Debug {
    /// Returns the member `key` when this is an object that has it.
    fn get(&self, key: &str) -> Option<&Self>;
    /// Returns the members, when this is an object.
    fn members(&self) -> Option<impl Iterator<Item = (&str, &Self)> + '_>;
    /// Returns the elements, when this is an array.
    fn as_array(&self) -> Option<&[Self]>;
    /// Returns the text, when this is a string.
    fn as_str(&self) -> Option<&str>;
    /// Returns the value, when this is `true` or `false`.
    fn as_bool(&self) -> Option<bool>;
    /// Returns the number, when this is one.
    fn as_number(&self) -> Option<JsonNumber>;
}

impl JsonValue for serde_json::Value {
    fn get(&self, key: &str) -> Option<&Self> {
        self.as_object()?.get(key)
    }

    fn members(&self) -> Option<impl Iterator<Item = (&str, &Self)> + '_> {
        Some(
            self.as_object()?
                .iter()
                .map(|(key, value)| (key.as_str(), value)),
        )
    }

    fn as_array(&self) -> Option<&[Self]> {
        serde_json::Value::as_array(self).map(Vec::as_slice)
    }

    fn as_str(&self) -> Option<&str> {
        serde_json::Value::as_str(self)
    }

    fn as_bool(&self) -> Option<bool> {
        serde_json::Value::as_bool(self)
    }

    fn as_number(&self) -> Option<JsonNumber> {
        let number = self.as_number()?;
        Some(if let Some(value) = number.as_i64() {
            JsonNumber::Int(i128::from(value))
        } else if let Some(value) = number.as_u64() {
            JsonNumber::Int(i128::from(value))
        } else {
            JsonNumber::Float(number.as_f64()?)
        })
    }
}

impl JsonValue for sonic_rs::Value {
    fn get(&self, key: &str) -> Option<&Self> {
        sonic_rs::JsonContainerTrait::as_object(self)?.get(&key)
    }

    fn members(&self) -> Option<impl Iterator<Item = (&str, &Self)> + '_> {
        Some(sonic_rs::JsonContainerTrait::as_object(self)?.iter())
    }

    fn as_array(&self) -> Option<&[Self]> {
        sonic_rs::JsonContainerTrait::as_array(self).map(|array| array.as_slice())
    }

    fn as_str(&self) -> Option<&str> {
        sonic_rs::JsonValueTrait::as_str(self)
    }

    fn as_bool(&self) -> Option<bool> {
        sonic_rs::JsonValueTrait::as_bool(self)
    }

    fn as_number(&self) -> Option<JsonNumber> {
        use sonic_rs::JsonValueTrait as _;
        Some(if let Some(value) = self.as_i64() {
            JsonNumber::Int(i128::from(value))
        } else if let Some(value) = self.as_u64() {
            JsonNumber::Int(i128::from(value))
        } else {
            JsonNumber::Float(self.as_f64()?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both representations read the same document the same way.
    #[test]
    fn serde_json_and_sonic_rs_agree() {
        let text =
            r#"{"a": [1, -2, 18446744073709551615, 12.0, 1.5, true, "x", null], "b": {"c": "d"}}"#;
        let serde: serde_json::Value = serde_json::from_str(text).expect("valid JSON");
        let sonic: sonic_rs::Value = sonic_rs::from_str(text).expect("valid JSON");
        fn read<V: JsonValue>(value: &V) -> String {
            let items: Vec<String> = value
                .get("a")
                .and_then(V::as_array)
                .expect("array")
                .iter()
                .map(|item| {
                    format!(
                        "{:?}/{:?}/{:?}",
                        item.as_number(),
                        item.as_bool(),
                        item.as_str()
                    )
                })
                .collect();
            let members: Vec<String> = value
                .get("b")
                .and_then(|b| b.members())
                .expect("object")
                .map(|(key, value)| format!("{key}={:?}", value.as_str()))
                .collect();
            format!("{items:?} {members:?} {:?}", value.get("zz").is_none())
        }
        assert_eq!(read(&serde), read(&sonic));
    }
}
