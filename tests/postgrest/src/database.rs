//! The schema cache, and one query run as its caller: a transaction that
//! takes the caller's role and claims, so row-level security decides.

use std::collections::{HashMap, HashSet};

use serde_json::Value;
use tokio_postgres::types::ToSql;
use tokio_postgres::NoTls;

use crate::error::ApiError;
use crate::request::{Condition, Filter, Op, Order, Query};

/// The tables (with each column's type) and functions of `public`, read
/// once at start from the catalog, as PostgREST's schema cache is.
#[derive(Debug, Default)]
pub(crate) struct Schema {
    tables: HashMap<String, HashMap<String, String>>,
    functions: HashSet<String>,
}

impl Schema {
    pub(crate) async fn load(config: &str) -> Result<Schema, tokio_postgres::Error> {
        let client = connect(config).await?;
        let mut schema = Schema::default();
        for row in client
            .query(
                "select c.relname, a.attname, format_type(a.atttypid, a.atttypmod)
                 from pg_attribute a
                 join pg_class c on c.oid = a.attrelid
                 join pg_namespace n on n.oid = c.relnamespace
                 where n.nspname = 'public' and c.relkind in ('r', 'v') and a.attnum > 0 and not a.attisdropped",
                &[],
            )
            .await?
        {
            schema
                .tables
                .entry(row.get(0))
                .or_default()
                .insert(row.get(1), row.get(2));
        }
        for row in client
            .query(
                "select p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                 where n.nspname = 'public' and p.pronargs = 0 and p.prorettype <> 'trigger'::regtype",
                &[],
            )
            .await?
        {
            schema.functions.insert(row.get(0));
        }
        Ok(schema)
    }

    fn columns(&self, table: &str) -> Result<&HashMap<String, String>, ApiError> {
        self.tables
            .get(table)
            .ok_or_else(|| ApiError::not_found("table", table))
    }

    fn column_type<'a>(&'a self, table: &str, column: &str) -> Result<&'a str, ApiError> {
        self.columns(table)?
            .get(column)
            .map(String::as_str)
            .ok_or_else(|| {
                ApiError::new(
                    400,
                    "42703",
                    format!("column {table}.{column} does not exist"),
                )
            })
    }
}

/// Who is asking: the JWT's role (`anon` without one) and its claims.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub(crate) role: String,
    pub(crate) claims: String,
}

impl Caller {
    fn signed_in(&self) -> bool {
        self.role != "anon"
    }
}

/// What the server answers, before HTTP.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: Option<String>,
    pub(crate) content_range: Option<String>,
}

impl Answer {
    fn json(status: u16, body: String) -> Answer {
        Answer {
            status,
            body: Some(body),
            content_range: None,
        }
    }

    fn empty(status: u16) -> Answer {
        Answer {
            status,
            body: None,
            content_range: None,
        }
    }
}

/// Runs `query` as `caller`, in one transaction.
pub(crate) async fn run(
    config: &str,
    schema: &Schema,
    caller: &Caller,
    query: &Query,
) -> Result<Answer, ApiError> {
    if let Query::Select { table, .. } | Query::Insert { table, .. } | Query::Update { table, .. } =
        query
    {
        schema.columns(table)?;
    }
    let failed = |error: tokio_postgres::Error| ApiError::from_database(&error, caller.signed_in());
    let mut client = connect(config).await.map_err(failed)?;
    let transaction = client.transaction().await.map_err(failed)?;
    transaction
        .execute(
            "select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)",
            &[&caller.role, &caller.claims],
        )
        .await
        .map_err(failed)?;
    let answer = match query {
        Query::Select {
            table,
            filters,
            order,
            offset,
            limit,
            count,
        } => {
            let mut statement = Statement::default();
            let condition = statement.condition(schema, table, filters)?;
            let order = order_by(schema, table, order)?;
            let limit = limit
                .map(|limit| format!(" limit {limit}"))
                .unwrap_or_default();
            statement.sql = format!(
                "select coalesce(json_agg(_r), '[]')::text, count(*) from (select * from {} where {condition}{order}{limit} offset {offset}) _r",
                ident(table)
            );
            let row = transaction
                .query_one(&statement.sql, &statement.params())
                .await
                .map_err(failed)?;
            let returned = row.get::<_, i64>(1) as u64;
            let total = if *count {
                let sql = format!("select count(*) from {} where {condition}", ident(table));
                Some(
                    transaction
                        .query_one(&sql, &statement.params())
                        .await
                        .map_err(failed)?
                        .get::<_, i64>(0) as u64,
                )
            } else {
                None
            };
            let span = if returned == 0 {
                "*".to_owned()
            } else {
                format!("{offset}-{}", offset + returned - 1)
            };
            let partial = total.is_some_and(|total| returned < total);
            Answer {
                status: if partial { 206 } else { 200 },
                body: Some(row.get(0)),
                content_range: Some(format!(
                    "{span}/{}",
                    total.map_or("*".to_owned(), |t| t.to_string())
                )),
            }
        }
        Query::Insert {
            table,
            rows,
            on_conflict,
            prefer,
        } => {
            let columns = body_columns(schema, table, &rows[0])?;
            let list = columns
                .iter()
                .map(|c| ident(c))
                .collect::<Vec<_>>()
                .join(", ");
            let conflict = match on_conflict {
                Some(column) if prefer.ignore_duplicates => {
                    schema.column_type(table, column)?;
                    format!(" on conflict ({}) do nothing", ident(column))
                }
                Some(_) => {
                    return Err(ApiError::unsupported(
                        "this gateway resolves conflicts by ignoring duplicates only",
                    ))
                }
                None => String::new(),
            };
            let insert = format!(
                "insert into {table_ident} ({list}) select {list} from json_populate_recordset(null::{table_ident}, ($1::text)::json){conflict}",
                table_ident = ident(table)
            );
            let rows_json = Value::Array(rows.clone()).to_string();
            let body = if prefer.representation {
                let sql = format!("with _i as ({insert} returning *) select coalesce(json_agg(_i), '[]')::text from _i");
                Some(
                    transaction
                        .query_one(&sql, &[&rows_json])
                        .await
                        .map_err(failed)?
                        .get(0),
                )
            } else {
                transaction
                    .execute(&insert, &[&rows_json])
                    .await
                    .map_err(failed)?;
                None
            };
            Answer {
                status: 201,
                body,
                content_range: None,
            }
        }
        Query::Update {
            table,
            filters,
            changes,
            prefer,
        } => {
            let columns = body_columns(schema, table, changes)?;
            let list = columns
                .iter()
                .map(|c| ident(c))
                .collect::<Vec<_>>()
                .join(", ");
            let mut statement = Statement::default();
            statement.values.push(changes.to_string());
            let condition = statement.condition(schema, table, filters)?;
            let update = format!(
                "update {table_ident} set ({list}) = (select {list} from json_populate_record(null::{table_ident}, ($1::text)::json)) where {condition}",
                table_ident = ident(table)
            );
            if prefer.representation {
                let sql = format!("with _u as ({update} returning *) select coalesce(json_agg(_u), '[]')::text from _u");
                let body = transaction
                    .query_one(&sql, &statement.params())
                    .await
                    .map_err(failed)?
                    .get(0);
                Answer::json(200, body)
            } else {
                transaction
                    .execute(&update, &statement.params())
                    .await
                    .map_err(failed)?;
                Answer::empty(204)
            }
        }
        Query::Rpc { function } => {
            if !schema.functions.contains(function) {
                return Err(ApiError::not_found("function", function));
            }
            let sql = format!("select to_json(public.{}())::text", ident(function));
            let body = transaction
                .query_one(&sql, &[])
                .await
                .map_err(failed)?
                .get(0);
            Answer::json(200, body)
        }
    };
    transaction.commit().await.map_err(failed)?;
    Ok(answer)
}

/// SQL with its parameters, every one sent as text and cast in the SQL.
#[derive(Debug, Default)]
struct Statement {
    sql: String,
    values: Vec<String>,
}

impl Statement {
    /// `filters` as a `where` condition (`true` for none), adding parameters.
    /// `filters` as a `where` condition (`true` for none), adding parameters.
    fn condition(
        &mut self,
        schema: &Schema,
        table: &str,
        filters: &[Condition],
    ) -> Result<String, ApiError> {
        if filters.is_empty() {
            return Ok("true".to_owned());
        }
        self.group(schema, table, filters, " and ")
    }

    fn group(
        &mut self,
        schema: &Schema,
        table: &str,
        conditions: &[Condition],
        joiner: &str,
    ) -> Result<String, ApiError> {
        let terms = conditions
            .iter()
            .map(|condition| match condition {
                Condition::Is(filter) => self.term(schema, table, filter),
                Condition::All(all) => self.group(schema, table, all, " and "),
                Condition::Any(any) => self.group(schema, table, any, " or "),
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        Ok(format!("({})", terms.join(joiner)))
    }

    fn term(&mut self, schema: &Schema, table: &str, filter: &Filter) -> Result<String, ApiError> {
        let kind = schema.column_type(table, &filter.column)?;
        let column = ident(&filter.column);
        Ok(match (&filter.op, &filter.value) {
            (Op::IsNull, _) => format!("{column} is null"),
            (op, Some(value)) => {
                self.values.push(value.clone());
                format!(
                    "{column} {} (${}::text)::{kind}",
                    op.sql(),
                    self.values.len()
                )
            }
            (_, None) => unreachable!("only is.null has no value"),
        })
    }

    fn params(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.values
            .iter()
            .map(|value| value as &(dyn ToSql + Sync))
            .collect()
    }
}

fn order_by(schema: &Schema, table: &str, order: &[Order]) -> Result<String, ApiError> {
    if order.is_empty() {
        return Ok(String::new());
    }
    let terms = order
        .iter()
        .map(|term| {
            schema.column_type(table, &term.column)?;
            Ok(format!(
                "{}{}",
                ident(&term.column),
                if term.descending { " desc" } else { "" }
            ))
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(format!(" order by {}", terms.join(", ")))
}

/// The keys of a body object, each a column of `table`.
fn body_columns<'a>(
    schema: &Schema,
    table: &str,
    object: &'a Value,
) -> Result<Vec<&'a String>, ApiError> {
    let object = object
        .as_object()
        .ok_or_else(|| ApiError::new(400, "PGRST102", "Empty or invalid json"))?;
    for key in object.keys() {
        schema.column_type(table, key)?;
    }
    Ok(object.keys().collect())
}

/// A quoted identifier (names are checked against the schema cache first;
/// quoting keeps any name a name).
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

async fn connect(config: &str) -> Result<tokio_postgres::Client, tokio_postgres::Error> {
    let (client, connection) = tokio_postgres::connect(config, NoTls).await?;
    tokio::spawn(async move {
        // The connection ends with the request; an error here is the
        // request's error, already answered.
        let _ = connection.await;
    });
    Ok(client)
}
