//! Checks a JSON answer against a type of `ui/bindings`, the TypeScript the
//! UI is type-checked with, generated from the Rust types (a coordinator
//! test fails while it is stale). So an answer passes only if it is exactly
//! what the page was promised: every required field there, no field the
//! type does not name, each of its type.
//!
//! Reads the subset of TypeScript that ts-rs writes for plain types:
//! `string`, `number`, `boolean`, `null`, string literals, `Array<T>`,
//! object types, unions (`|`) and references to other bindings. Anything
//! else (an intersection, say) is refused loudly rather than passed.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use serde_json::Value;

/// A TypeScript type, as far as the bindings use them.
#[derive(Debug, Clone)]
enum Ty {
    Null,
    String,
    Number,
    Boolean,
    Literal(String),
    Array(Box<Ty>),
    /// Fields: name, whether it may be absent, type.
    Object(Vec<(String, bool, Ty)>),
    Named(String),
    Union(Vec<Ty>),
}

/// Fails, naming where and why, unless `value` is of the TypeScript type
/// `ty` (e.g. `"Contact"`, `"Array<Agency>"`, `"ModalDraft | null"`).
pub fn check(value: &Value, ty: &str) -> Result<(), String> {
    let parsed = Parser::new(ty).whole()?;
    conforms(value, &parsed, "answer")
}

fn conforms(value: &Value, ty: &Ty, at: &str) -> Result<(), String> {
    let ok = match ty {
        Ty::Null => value.is_null(),
        Ty::String => value.is_string(),
        Ty::Number => value.is_number(),
        Ty::Boolean => value.is_boolean(),
        Ty::Literal(text) => value.as_str() == Some(text),
        Ty::Named(name) => return conforms(value, &binding(name)?, at),
        Ty::Union(alternatives) => alternatives
            .iter()
            .any(|alternative| conforms(value, alternative, at).is_ok()),
        Ty::Array(item) => {
            let items = value
                .as_array()
                .ok_or_else(|| format!("{at}: {value} is not an array"))?;
            for (index, element) in items.iter().enumerate() {
                conforms(element, item, &format!("{at}[{index}]"))?;
            }
            true
        }
        Ty::Object(fields) => {
            let object = value
                .as_object()
                .ok_or_else(|| format!("{at}: {value} is not an object"))?;
            for key in object.keys() {
                if !fields.iter().any(|(name, _, _)| name == key) {
                    return Err(format!("{at}: field {key:?} is not in the type"));
                }
            }
            for (name, optional, field) in fields {
                match object.get(name) {
                    Some(inner) => conforms(inner, field, &format!("{at}.{name}"))?,
                    None if *optional => {}
                    None => return Err(format!("{at}: field {name:?} is missing")),
                }
            }
            true
        }
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{at}: {value} is not a {ty:?}"))
    }
}

/// The type `name` as `ui/bindings/<name>.ts` defines it, parsed once.
fn binding(name: &str) -> Result<Ty, String> {
    static PARSED: OnceLock<Mutex<HashMap<String, Ty>>> = OnceLock::new();
    let cache = PARSED.get_or_init(Default::default);
    if let Some(ty) = cache.lock().unwrap().get(name) {
        return Ok(ty.clone());
    }
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("ui/bindings")
        .join(format!("{name}.ts"));
    let source = std::fs::read_to_string(&path)
        .map_err(|e| format!("no binding {name} ({}): {e}", path.display()))?;
    let code = without_comments(&source);
    let head = format!("export type {name} =");
    let definition = code
        .split_once(&head)
        .and_then(|(_, rest)| rest.trim().strip_suffix(';'))
        .ok_or_else(|| format!("{}: no `{head} …;`", path.display()))?;
    let ty = Parser::new(definition)
        .whole()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    cache.lock().unwrap().insert(name.to_owned(), ty.clone());
    Ok(ty)
}

/// The source without `//` lines, `/** … */` blocks and imports.
fn without_comments(source: &str) -> String {
    let mut code = String::new();
    let mut rest = source;
    while let Some(start) = rest.find("/*") {
        code.push_str(&rest[..start]);
        rest = rest[start..]
            .split_once("*/")
            .map_or("", |(_, after)| after);
    }
    code.push_str(rest);
    code.lines()
        .filter(|line| {
            let line = line.trim_start();
            !line.starts_with("//") && !line.starts_with("import ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A recursive-descent reader of one type expression.
struct Parser<'a> {
    rest: &'a str,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        Self { rest: text }
    }

    fn whole(mut self) -> Result<Ty, String> {
        let ty = self.union()?;
        self.skip_space();
        if self.rest.is_empty() {
            Ok(ty)
        } else {
            Err(format!("unsupported type syntax at {:?}", self.rest))
        }
    }

    fn skip_space(&mut self) {
        self.rest = self.rest.trim_start();
    }

    fn eat(&mut self, token: &str) -> bool {
        self.skip_space();
        match self.rest.strip_prefix(token) {
            Some(after) => {
                self.rest = after;
                true
            }
            None => false,
        }
    }

    fn expect(&mut self, token: &str) -> Result<(), String> {
        if self.eat(token) {
            Ok(())
        } else {
            Err(format!("expected {token:?} at {:?}", self.rest))
        }
    }

    fn union(&mut self) -> Result<Ty, String> {
        let mut alternatives = vec![self.single()?];
        while self.eat("|") {
            alternatives.push(self.single()?);
        }
        Ok(match alternatives.len() {
            1 => alternatives.pop().unwrap(),
            _ => Ty::Union(alternatives),
        })
    }

    fn single(&mut self) -> Result<Ty, String> {
        if self.eat("{") {
            return self.object();
        }
        if self.eat("\"") {
            let (text, after) = self
                .rest
                .split_once('"')
                .ok_or("an unterminated string literal")?;
            self.rest = after;
            return Ok(Ty::Literal(text.to_owned()));
        }
        let name = self.identifier()?;
        Ok(match name {
            "null" => Ty::Null,
            "string" => Ty::String,
            "number" => Ty::Number,
            "boolean" => Ty::Boolean,
            "Array" => {
                self.expect("<")?;
                let item = self.union()?;
                self.expect(">")?;
                Ty::Array(Box::new(item))
            }
            other => Ty::Named(other.to_owned()),
        })
    }

    fn identifier(&mut self) -> Result<&'a str, String> {
        self.skip_space();
        let end = self
            .rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(self.rest.len());
        if end == 0 {
            return Err(format!("unsupported type syntax at {:?}", self.rest));
        }
        let (name, after) = self.rest.split_at(end);
        self.rest = after;
        Ok(name)
    }

    /// The fields of an object type, after its `{`.
    fn object(&mut self) -> Result<Ty, String> {
        let mut fields = Vec::new();
        while !self.eat("}") {
            let name = if self.eat("\"") {
                let (name, after) = self.rest.split_once('"').ok_or("an unterminated key")?;
                self.rest = after;
                name
            } else {
                self.identifier()?
            };
            let optional = self.eat("?");
            self.expect(":")?;
            let ty = self.union()?;
            fields.push((name.to_owned(), optional, ty));
            if !self.eat(",") {
                self.expect("}")?;
                break;
            }
        }
        Ok(Ty::Object(fields))
    }
}
