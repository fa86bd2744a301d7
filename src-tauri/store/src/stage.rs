//! How the pipeline stage of a contact is stored.
//!
//! As its kebab-case name (`"lead"`, `"won"`, …), the same text the UI sees
//! in JSON, so the database stays readable and a new stage needs no data
//! migration. A stored name this code does not know is a read error, never a
//! silent default. [`Stage`] itself lives in the model crate, which knows no
//! SQLite; `StageColumn` carries it to and from a column.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

pub use axolop_model::Stage;

/// A [`Stage`] as an SQL value: its text name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StageColumn(pub(crate) Stage);

impl ToSql for StageColumn {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.0.as_str()))
    }
}

impl FromSql for StageColumn {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let name = value.as_str()?;
        Stage::from_name(name)
            .map(StageColumn)
            .ok_or_else(|| FromSqlError::Other(format!("unknown contact stage {name:?}").into()))
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::*;

    fn read(name: &str) -> rusqlite::Result<StageColumn> {
        Connection::open_in_memory()
            .unwrap()
            .query_row("SELECT ?1", [name], |row| row.get(0))
    }

    #[test]
    fn every_stage_is_stored_as_its_name_and_reads_back() {
        let conn = Connection::open_in_memory().unwrap();
        for stage in Stage::ALL {
            let (text, back): (String, StageColumn) = conn
                .query_row("SELECT ?1, ?1", [StageColumn(stage)], |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })
                .unwrap();
            assert_eq!((text.as_str(), back), (stage.as_str(), StageColumn(stage)));
        }
    }

    #[test]
    fn an_unknown_stored_name_is_a_read_error() {
        let error = read("Lead").unwrap_err().to_string();
        assert!(error.contains("unknown contact stage \"Lead\""), "{error}");
    }
}
