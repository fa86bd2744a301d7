//! One HTTP request read as one query of the subset (see the crate docs).
//! Names are checked against the schema cache later; here only the shape.

use serde_json::Value;

use crate::error::ApiError;

/// A comparison of a column with a value from the URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Filter {
    pub(crate) column: String,
    pub(crate) op: Op,
    /// The value as the URL has it; `None` for `is.null`.
    pub(crate) value: Option<String>,
}

/// A filter, or a group of them (`and(…)`, `or(…)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Condition {
    Is(Filter),
    All(Vec<Condition>),
    Any(Vec<Condition>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Eq,
    Neq,
    Gt,
    Gte,
    Lt,
    Lte,
    IsNull,
}

impl Op {
    pub(crate) fn sql(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Neq => "<>",
            Op::Gt => ">",
            Op::Gte => ">=",
            Op::Lt => "<",
            Op::Lte => "<=",
            Op::IsNull => "is null",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Order {
    pub(crate) column: String,
    pub(crate) descending: bool,
}

/// What `Prefer` asked for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Prefer {
    pub(crate) representation: bool,
    pub(crate) ignore_duplicates: bool,
    pub(crate) count: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Query {
    Select {
        table: String,
        filters: Vec<Condition>,
        order: Vec<Order>,
        offset: u64,
        limit: Option<u64>,
        count: bool,
    },
    Insert {
        table: String,
        rows: Vec<Value>,
        on_conflict: Option<String>,
        prefer: Prefer,
    },
    Update {
        table: String,
        filters: Vec<Condition>,
        changes: Value,
        prefer: Prefer,
    },
    Rpc {
        function: String,
    },
}

impl Query {
    /// Reads `method path?query` with its `Range` and `Prefer` headers and body.
    pub(crate) fn parse(
        method: &str,
        path_and_query: &str,
        range: Option<&str>,
        prefer: Option<&str>,
        body: &[u8],
    ) -> Result<Query, ApiError> {
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        let Some(resource) = path.strip_prefix("/rest/v1/") else {
            return Err(ApiError::new(
                404,
                "PGRST125",
                format!("Invalid path specified in request URL: {path}"),
            ));
        };
        let params = parse_params(query)?;
        let prefer = parse_prefer(prefer.unwrap_or(""));
        if let Some(function) = resource.strip_prefix("rpc/") {
            if method != "POST" {
                return Err(ApiError::unsupported(
                    "this gateway calls functions with POST only",
                ));
            }
            let args: Value = json_body(body)?;
            if args.as_object().is_none_or(|args| !args.is_empty()) {
                return Err(ApiError::unsupported(
                    "this gateway calls functions without arguments only",
                ));
            }
            return Ok(Query::Rpc {
                function: function.to_owned(),
            });
        }
        let table = resource.to_owned();
        let mut filters = Vec::new();
        let (mut order, mut offset, mut limit, mut on_conflict) = (Vec::new(), 0, None, None);
        for (key, value) in params {
            match key.as_str() {
                "select" if value == "*" => {}
                "select" => return Err(ApiError::unsupported("this gateway selects `*` only")),
                "order" => order = parse_order(&value)?,
                "offset" => offset = number("offset", &value)?,
                "limit" => limit = Some(number("limit", &value)?),
                "on_conflict" => on_conflict = Some(value),
                "columns" => {
                    return Err(ApiError::unsupported(
                        "`columns` is not supported by this gateway",
                    ))
                }
                "or" => filters.push(Condition::Any(parse_group(&value)?)),
                "and" => filters.push(Condition::All(parse_group(&value)?)),
                _ => filters.push(Condition::Is(parse_filter(key, &value)?)),
            }
        }
        match method {
            "GET" => {
                if let Some(range) = range {
                    let (first, last) = parse_range(range)?;
                    offset = first;
                    limit = last.map(|last| last + 1 - first);
                }
                Ok(Query::Select {
                    table,
                    filters,
                    order,
                    offset,
                    limit,
                    count: prefer.count,
                })
            }
            "POST" => {
                let rows = match json_body(body)? {
                    Value::Array(rows) => rows,
                    row @ Value::Object(_) => vec![row],
                    _ => return Err(ApiError::new(400, "PGRST102", "Empty or invalid json")),
                };
                if rows.is_empty() || rows.iter().any(|row| !row.is_object()) {
                    return Err(ApiError::new(400, "PGRST102", "All object keys must match"));
                }
                if prefer.ignore_duplicates && on_conflict.is_none() {
                    on_conflict = Some("id".to_owned());
                }
                Ok(Query::Insert {
                    table,
                    rows,
                    on_conflict,
                    prefer,
                })
            }
            "PATCH" => {
                let changes = json_body(body)?;
                if changes.as_object().is_none_or(|changes| changes.is_empty()) {
                    return Err(ApiError::new(400, "PGRST102", "Empty or invalid json"));
                }
                Ok(Query::Update {
                    table,
                    filters,
                    changes,
                    prefer,
                })
            }
            _ => Err(ApiError::new(
                405,
                "PGRST117",
                format!("Unsupported HTTP method: {method}"),
            )),
        }
    }
}

fn json_body(body: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(body)
        .map_err(|_| ApiError::new(400, "PGRST102", "Empty or invalid json"))
}

fn parse_params(query: &str) -> Result<Vec<(String, String)>, ApiError> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            Ok((percent_decode(key)?, percent_decode(value)?))
        })
        .collect()
}

fn percent_decode(text: &str) -> Result<String, ApiError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = text
                    .get(i + 1..i + 3)
                    .and_then(|hex| u8::from_str_radix(hex, 16).ok())
                    .ok_or_else(|| {
                        ApiError::unsupported(format!("bad percent-encoding in {text:?}"))
                    })?;
                out.push(hex);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| ApiError::unsupported("the URL is not UTF-8"))
}

/// `(cond,cond,…)`, where a cond is `column.op.value`, `and(…)` or `or(…)`
/// (PostgREST's logical operators; values may not hold `,` `(` `)`).
fn parse_group(text: &str) -> Result<Vec<Condition>, ApiError> {
    let malformed = || ApiError::unsupported(format!("failed to parse logic tree ({text})"));
    let inner = text
        .strip_prefix('(')
        .and_then(|rest| rest.strip_suffix(')'))
        .ok_or_else(malformed)?;
    let (mut items, mut depth, mut start) = (Vec::new(), 0usize, 0);
    for (at, c) in inner.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.checked_sub(1).ok_or_else(malformed)?,
            ',' if depth == 0 => {
                items.push(&inner[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    items
        .into_iter()
        .map(|item| {
            if let Some(group) = item.strip_prefix("and") {
                Ok(Condition::All(parse_group(group)?))
            } else if let Some(group) = item.strip_prefix("or") {
                Ok(Condition::Any(parse_group(group)?))
            } else {
                let (column, rest) = item.split_once('.').ok_or_else(malformed)?;
                Ok(Condition::Is(parse_filter(column.to_owned(), rest)?))
            }
        })
        .collect()
}

fn parse_filter(column: String, value: &str) -> Result<Filter, ApiError> {
    let (op, operand) = value
        .split_once('.')
        .ok_or_else(|| ApiError::unsupported(format!("failed to parse filter ({value})")))?;
    let op = match op {
        "eq" => Op::Eq,
        "neq" => Op::Neq,
        "gt" => Op::Gt,
        "gte" => Op::Gte,
        "lt" => Op::Lt,
        "lte" => Op::Lte,
        "is" if operand == "null" => Op::IsNull,
        _ => return Err(ApiError::unsupported(format!("failed to parse filter ({value}): this gateway has eq, neq, gt, gte, lt, lte and is.null"))),
    };
    let value = (op != Op::IsNull).then(|| operand.to_owned());
    Ok(Filter { column, op, value })
}

fn parse_order(value: &str) -> Result<Vec<Order>, ApiError> {
    value
        .split(',')
        .map(|term| {
            let (column, direction) = term.split_once('.').unwrap_or((term, "asc"));
            let descending = match direction {
                "asc" => false,
                "desc" => true,
                _ => {
                    return Err(ApiError::unsupported(format!(
                        "failed to parse order ({value})"
                    )))
                }
            };
            Ok(Order {
                column: column.to_owned(),
                descending,
            })
        })
        .collect()
}

fn parse_prefer(header: &str) -> Prefer {
    let mut prefer = Prefer::default();
    for token in header.split(',').map(str::trim) {
        match token {
            "return=representation" => prefer.representation = true,
            "resolution=ignore-duplicates" => prefer.ignore_duplicates = true,
            "count=exact" => prefer.count = true,
            // PostgREST ignores preferences it does not know (lenient mode).
            _ => {}
        }
    }
    prefer
}

/// `first-last` or `first-`.
fn parse_range(range: &str) -> Result<(u64, Option<u64>), ApiError> {
    let unsatisfiable = || ApiError::new(416, "PGRST103", "Requested range not satisfiable");
    let (first, last) = range.trim().split_once('-').ok_or_else(unsatisfiable)?;
    let first: u64 = first.parse().map_err(|_| unsatisfiable())?;
    let last: Option<u64> = match last {
        "" => None,
        last => Some(last.parse().map_err(|_| unsatisfiable())?),
    };
    if last.is_some_and(|last| last < first) {
        return Err(unsatisfiable());
    }
    Ok((first, last))
}

fn number(name: &str, value: &str) -> Result<u64, ApiError> {
    value
        .parse()
        .map_err(|_| ApiError::unsupported(format!("{name} must be a whole number, not {value:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paged_pull_reads_as_a_select() {
        let query = Query::parse(
            "GET",
            "/rest/v1/contacts?select=*&agency_id=eq.a%2Db&change_seq=gte.7&order=change_seq.asc,id.asc",
            Some("100-199"),
            Some("count=exact"),
            b"",
        )
        .unwrap();
        let Query::Select {
            table,
            filters,
            order,
            offset,
            limit,
            count,
        } = query
        else {
            panic!("not a select: {query:?}");
        };
        assert_eq!(table, "contacts");
        assert_eq!(
            filters[0],
            Condition::Is(Filter {
                column: "agency_id".into(),
                op: Op::Eq,
                value: Some("a-b".into())
            })
        );
        assert!(matches!(&filters[1], Condition::Is(filter) if filter.op == Op::Gte));
        assert_eq!(order.len(), 2);
        assert_eq!((offset, limit, count), (100, Some(100), true));
    }

    #[test]
    fn a_keyset_page_reads_as_nested_groups() {
        let query = Query::parse(
            "GET",
            "/rest/v1/contacts?or=(change_seq.gt.7,and(change_seq.eq.7,id.gt.a-b))",
            None,
            None,
            b"",
        )
        .unwrap();
        let Query::Select { filters, .. } = query else {
            panic!("not a select: {query:?}");
        };
        let is = |column: &str, op, value: &str| {
            Condition::Is(Filter {
                column: column.into(),
                op,
                value: Some(value.into()),
            })
        };
        assert_eq!(
            filters,
            [Condition::Any(vec![
                is("change_seq", Op::Gt, "7"),
                Condition::All(vec![is("change_seq", Op::Eq, "7"), is("id", Op::Gt, "a-b")]),
            ])]
        );
        for bad in [
            "or=change_seq.gt.7",
            "or=(change_seq.gt.7",
            "or=(and(id.eq.1)))",
        ] {
            assert!(
                Query::parse("GET", &format!("/rest/v1/contacts?{bad}"), None, None, b"").is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn what_the_subset_lacks_is_refused_not_guessed() {
        for (method, path) in [
            ("GET", "/rest/v1/contacts?select=id,name"),
            ("GET", "/rest/v1/contacts?name=like.*a*"),
            ("DELETE", "/rest/v1/contacts?id=eq.1"),
            ("GET", "/rest/v1/contacts?order=name.sideways"),
        ] {
            assert!(
                Query::parse(method, path, None, None, b"").is_err(),
                "{method} {path}"
            );
        }
        assert_eq!(
            Query::parse("GET", "/rest/v1/contacts", Some("9-3"), None, b"")
                .unwrap_err()
                .status,
            416
        );
        assert_eq!(
            Query::parse("PATCH", "/rest/v1/contacts?id=eq.1", None, None, b"{}")
                .unwrap_err()
                .status,
            400
        );
    }
}
