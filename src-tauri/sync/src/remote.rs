//! Rows as the server has them (`supabase/migrations`), as PostgREST's JSON
//! renders them: ids and users as UUID text, times as ISO 8601 text, and
//! the server-assigned `version` and `change_seq` as numbers.

use axolop_model::{Agency, Stage};
use axolop_store::ServerContact;
use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::error::{Result, SyncError};

/// A contact row, tombstones included.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RemoteContact {
    pub id: String,
    pub agency_id: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub company: String,
    pub stage: Stage,
    pub notes: String,
    pub version: u64,
    pub updated_at: String,
    pub updated_by: Option<String>,
    /// Set when the contact was deleted: a tombstone.
    pub deleted_at: Option<String>,
    /// The writing transaction's id; pulls read in this order.
    pub change_seq: i64,
}

impl RemoteContact {
    pub fn is_deleted(&self) -> bool {
        self.deleted_at.is_some()
    }

    /// The row as the local cache takes it.
    pub fn to_server(&self) -> Result<ServerContact> {
        Ok(ServerContact {
            id: self.id.clone(),
            name: self.name.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            company: self.company.clone(),
            stage: self.stage,
            notes: self.notes.clone(),
            version: self.version,
            updated_at: unix_ms(&self.updated_at)?,
            updated_by: self.updated_by.clone().unwrap_or_default(),
            deleted: self.is_deleted(),
        })
    }
}

/// An RFC 3339 time as Unix milliseconds (0 before 1970).
fn unix_ms(text: &str) -> Result<u64> {
    let time = OffsetDateTime::parse(text, &Rfc3339)
        .map_err(|e| SyncError::Protocol(format!("a time the server sent ({text:?}): {e}")))?;
    Ok(u64::try_from(time.unix_timestamp_nanos() / 1_000_000).unwrap_or(0))
}

/// An agency row.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RemoteAgency {
    pub id: String,
    pub name: String,
    pub created_at: String,
    pub version: u64,
    pub change_seq: i64,
}

impl RemoteAgency {
    /// The agency as the local cache keeps it.
    pub fn to_agency(&self) -> Result<Agency> {
        Ok(Agency {
            id: self.id.clone(),
            name: self.name.clone(),
            created_at: unix_ms(&self.created_at)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgrest_times_read_as_unix_milliseconds() {
        assert_eq!(unix_ms("1970-01-01T00:00:01.5+00:00").unwrap(), 1_500);
        assert_eq!(
            unix_ms("2026-11-30T10:00:00.123456+01:00").unwrap(),
            1_796_029_200_123
        );
        assert!(matches!(unix_ms("yesterday"), Err(SyncError::Protocol(_))));
    }
}
