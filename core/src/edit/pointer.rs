//! Reading one field by JSON pointer without serializing its neighbours.
//!
//! [`pick`] gives what `serde_json::to_value(item)?.pointer(pointer)` gives, but drives
//! `item`'s `Serialize` with a serializer that only follows the pointer: at each level it
//! skips every member but the one the next token names, and only the addressed value
//! itself is turned into JSON. An input reading its field on every change of the design
//! then costs the depth of the pointer, not the size of the service.

use serde::ser::{self, Serialize};
use serde_json::{Map, Value};
use std::fmt;

/// The value at `pointer` (RFC 6901) in `item`'s JSON form; `None` where there is none.
pub(crate) fn pick<T: Serialize + ?Sized>(item: &T, pointer: &str) -> Option<Value> {
    if pointer.is_empty() {
        return serde_json::to_value(item).ok();
    }
    let tokens: Vec<String> = pointer
        .strip_prefix('/')?
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    item.serialize(Walk { tokens: &tokens }).ok().flatten()
}

/// The value `tokens` address inside `value`, or `value` itself when none are left.
fn follow<T: Serialize + ?Sized>(value: &T, tokens: &[String]) -> Result<Option<Value>, Error> {
    if tokens.is_empty() {
        serde_json::to_value(value)
            .map(Some)
            .map_err(|e| Error(e.to_string()))
    } else {
        value.serialize(Walk { tokens })
    }
}

/// An array index as serde_json's pointers read it: digits, no sign, no leading zero.
fn index(token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.starts_with('0') && token.len() != 1) {
        return None;
    }
    token.parse().ok()
}

/// A failure to serialize the addressed value.
#[derive(Debug)]
struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<M: fmt::Display>(msg: M) -> Self {
        Error(msg.to_string())
    }
}

/// Serializes a value with at least one token of the pointer left to follow.
struct Walk<'t> {
    tokens: &'t [String],
}

/// A scalar has no members: a pointer into it leads nowhere.
macro_rules! leaf {
    ($($name:ident: $ty:ty),* $(,)?) => {
        $(fn $name(self, _: $ty) -> Result<Self::Ok, Error> { Ok(None) })*
    };
}

impl<'t> ser::Serializer for Walk<'t> {
    type Ok = Option<Value>;
    type Error = Error;
    type SerializeSeq = Items<'t>;
    type SerializeTuple = Items<'t>;
    type SerializeTupleStruct = Items<'t>;
    type SerializeTupleVariant = Items<'t>;
    type SerializeMap = Entries<'t>;
    type SerializeStruct = Fields<'t>;
    type SerializeStructVariant = Fields<'t>;

    leaf!(
        serialize_bool: bool,
        serialize_i8: i8,
        serialize_i16: i16,
        serialize_i32: i32,
        serialize_i64: i64,
        serialize_u8: u8,
        serialize_u16: u16,
        serialize_u32: u32,
        serialize_u64: u64,
        serialize_f32: f32,
        serialize_f64: f64,
        serialize_char: char,
        serialize_str: &str,
        serialize_bytes: &[u8],
        serialize_unit_struct: &'static str,
    );

    fn serialize_none(self) -> Result<Self::Ok, Error> {
        Ok(None)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Self::Ok, Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Self::Ok, Error> {
        Ok(None)
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<Self::Ok, Error> {
        Ok(None)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Self::Ok, Error> {
        value.serialize(self)
    }

    /// `{"variant": value}`.
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Self::Ok, Error> {
        match self.tokens.split_first() {
            Some((first, rest)) if first == variant => follow(value, rest),
            _ => Ok(None),
        }
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Ok(Items::new(self.tokens))
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        Ok(Items::new(self.tokens))
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Ok(Items::new(self.tokens))
    }

    /// `{"variant": [items]}`.
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Ok(match self.tokens.split_first() {
            Some((first, rest)) if first == variant => Items::new(rest),
            _ => Items::nowhere(),
        })
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Ok(Entries {
            tokens: self.tokens,
            matched: false,
            found: None,
        })
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        Ok(Fields::new(self.tokens))
    }

    /// `{"variant": {fields}}`.
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Ok(match self.tokens.split_first() {
            Some((first, rest)) if first == variant => Fields::new(rest),
            _ => Fields::nowhere(),
        })
    }
}

/// The items of an array: follows the one the first token names. With no token left
/// (a tuple variant addressed whole) it collects them all.
struct Items<'t> {
    tokens: &'t [String],
    wanted: Option<usize>,
    at: usize,
    all: Option<Vec<Value>>,
    found: Option<Value>,
}

impl<'t> Items<'t> {
    fn new(tokens: &'t [String]) -> Self {
        match tokens.split_first() {
            None => Items {
                all: Some(Vec::new()),
                ..Items::nowhere()
            },
            Some((first, _)) => Items {
                tokens,
                wanted: index(first),
                ..Items::nowhere()
            },
        }
    }

    fn nowhere() -> Self {
        Items {
            tokens: &[],
            wanted: None,
            at: 0,
            all: None,
            found: None,
        }
    }

    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        if let Some(all) = &mut self.all {
            all.push(follow(value, &[])?.unwrap_or(Value::Null));
        } else if self.wanted == Some(self.at) {
            self.found = follow(value, &self.tokens[1..])?;
        }
        self.at += 1;
        Ok(())
    }

    fn finish(self) -> Option<Value> {
        self.all.map(Value::Array).or(self.found)
    }
}

macro_rules! items {
    ($($tr:ident :: $method:ident),* $(,)?) => {
        $(impl ser::$tr for Items<'_> {
            type Ok = Option<Value>;
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                self.item(value)
            }
            fn end(self) -> Result<Self::Ok, Error> {
                Ok(self.finish())
            }
        })*
    };
}

items!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field,
);

/// The members of an object: follows the one the first token names. With no token left
/// (a struct variant addressed whole) it collects them all.
struct Fields<'t> {
    tokens: &'t [String],
    all: Option<Map<String, Value>>,
    found: Option<Value>,
}

impl<'t> Fields<'t> {
    fn new(tokens: &'t [String]) -> Self {
        Fields {
            tokens,
            all: tokens.is_empty().then(Map::new),
            found: None,
        }
    }

    fn nowhere() -> Self {
        Fields {
            tokens: &[],
            all: None,
            found: None,
        }
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), Error> {
        if let Some(all) = &mut self.all {
            all.insert(key.into(), follow(value, &[])?.unwrap_or(Value::Null));
        } else if let Some((first, rest)) = self.tokens.split_first() {
            if first == key {
                self.found = follow(value, rest)?;
            }
        }
        Ok(())
    }

    fn finish(self) -> Option<Value> {
        self.all.map(Value::Object).or(self.found)
    }
}

impl ser::SerializeStruct for Fields<'_> {
    type Ok = Option<Value>;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)
    }

    fn end(self) -> Result<Self::Ok, Error> {
        Ok(self.finish())
    }
}

impl ser::SerializeStructVariant for Fields<'_> {
    type Ok = Option<Value>;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)
    }

    fn end(self) -> Result<Self::Ok, Error> {
        Ok(self.finish())
    }
}

/// The entries of a map: keys are read as serde_json writes them (strings, numbers as
/// their text); the value of the key the first token names is followed.
struct Entries<'t> {
    tokens: &'t [String],
    matched: bool,
    found: Option<Value>,
}

impl ser::SerializeMap for Entries<'_> {
    type Ok = Option<Value>;
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        let text = match serde_json::to_value(key).map_err(|e| Error(e.to_string()))? {
            Value::String(s) => s,
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => return Err(Error("a map key must be a string".into())),
        };
        self.matched = self.tokens.first() == Some(&text);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        if std::mem::take(&mut self.matched) {
            self.found = follow(value, &self.tokens[1..])?;
        }
        Ok(())
    }

    fn end(self) -> Result<Self::Ok, Error> {
        Ok(self.found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::FieldPath;
    use crate::model::Design;
    use serde_json::json;

    /// Every pointer into `value`, the whole value's included.
    fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
        out.push(at.clone());
        let escape = |k: &str| k.replace('~', "~0").replace('/', "~1");
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    pointers(v, format!("{at}/{}", escape(k)), out);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    pointers(v, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }

    /// Every field path of a design: each pointer of each target, plus pointers that
    /// lead nowhere below each of them.
    fn paths(d: &Design) -> Vec<FieldPath> {
        let mut out = Vec::new();
        let mut add = |target: crate::edit::Target, whole: Value| {
            let mut ps = Vec::new();
            pointers(&whole, String::new(), &mut ps);
            for p in ps {
                for pointer in [
                    p.clone(),
                    format!("{p}/nope"),
                    format!("{p}/0"),
                    format!("{p}/01"),
                ] {
                    out.push(FieldPath {
                        target: target.clone(),
                        pointer,
                    });
                }
            }
        };
        use crate::edit::Target;
        add(Target::Design, d.get(&FieldPath::design("")).unwrap());
        for s in &d.services {
            add(Target::Service(s.id), serde_json::to_value(s).unwrap());
        }
        for e in &d.environments {
            add(
                Target::Environment(e.name.clone()),
                serde_json::to_value(e).unwrap(),
            );
        }
        for c in &d.config_maps {
            add(
                Target::ConfigMap(c.name.clone()),
                serde_json::to_value(c).unwrap(),
            );
        }
        for s in &d.secrets {
            add(
                Target::Secret(s.name.clone()),
                serde_json::to_value(s).unwrap(),
            );
        }
        out
    }

    #[test]
    fn field_reads_what_get_reads_for_every_path_of_every_template() {
        let mut checked = 0;
        for t in crate::templates::ALL {
            let d = (t.build)();
            for path in paths(&d) {
                assert_eq!(d.field(&path), d.get(&path), "{} {path}", t.name);
                checked += 1;
            }
        }
        assert!(checked > 1000, "only {checked} paths");
    }

    #[test]
    fn field_reads_tagged_variants_maps_and_escaped_keys() {
        let mut d = crate::templates::connectum();
        let id = d.services[0].id;
        let set = |d: &mut Design, pointer: &str, value: Value| {
            d.apply(crate::Edit::Set {
                path: FieldPath::service(id, pointer),
                value,
            })
            .unwrap();
        };
        set(&mut d, "/scaling/pdb", json!({"max_unavailable": 1}));
        set(
            &mut d,
            "/config/env/0",
            json!({"name": "A", "value": {"secret_key": {"name": "s", "key": "k"}}}),
        );
        set(
            &mut d,
            "/exposure/load_balancer",
            json!({"ports": [], "annotations": {"a/b~c": "x"}}),
        );
        let env = d.environments[0].name.clone();
        d.apply(crate::Edit::Set {
            path: FieldPath::environment(&env, &format!("/overrides/{}/replicas", id.0)),
            value: json!(4),
        })
        .unwrap();
        for path in paths(&d) {
            assert_eq!(d.field(&path), d.get(&path), "{path}");
        }
        let read = |pointer: &str| d.field(&FieldPath::service(id, pointer));
        assert_eq!(read("/scaling/pdb/max_unavailable"), Some(json!(1)));
        assert_eq!(read("/config/env/0/value/secret_key/key"), Some(json!("k")));
        assert_eq!(
            read("/config/env/0/value/secret_key"),
            Some(json!({"name": "s", "key": "k"}))
        );
        assert_eq!(
            read("/exposure/load_balancer/annotations/a~1b~0c"),
            Some(json!("x"))
        );
        let o = FieldPath::environment(&env, &format!("/overrides/{}/replicas", id.0));
        assert_eq!(d.field(&o), Some(json!(4)));
        assert_eq!(read("no-leading-slash"), None);
    }
}
