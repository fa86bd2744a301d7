//! Each window's editor draft: the contact editor's text as typed, kept so
//! that a crash or a kill loses nothing. [`EditorDraft`] lives in the model
//! crate.
//!
//! Invariants:
//! - One draft per window, keyed by the window's id (which survives a
//!   restart: the window layout keeps it); keeping one replaces it whole.
//! - A draft is text as typed, not yet valid (a half-typed email is kept),
//!   but bounded: [`DRAFT_LINE_MAX_CHARS`] per single-line field,
//!   [`DRAFT_NOTES_MAX_CHARS`] of notes.
//! - A draft names an agency of the owner who keeps it, and is read back
//!   only by that owner (another user on this computer never sees it);
//!   deleting the agency (a signed-out user's whole CRM) deletes its drafts
//!   (`ON DELETE CASCADE`).

use rusqlite::{params, OptionalExtension, Row};

use axolop_model::ContactDraft;
pub use axolop_model::EditorDraft;

use crate::error::{Result, StoreError};
use crate::stage::StageColumn;
use crate::store::Store;
use crate::validation;

/// Longest single-line field of a draft, in characters: more than a save
/// accepts, so that what was typed is kept even when it is too long to save.
pub const DRAFT_LINE_MAX_CHARS: usize = 1_000;
/// Longest notes of a draft, in characters.
pub const DRAFT_NOTES_MAX_CHARS: usize = 2 * validation::NOTES_MAX_CHARS;

/// The draft's columns, from `editor_drafts d` joined to its agency.
const COLUMNS: &str = "d.agency_id, d.contact_id, d.base_version, d.name, d.email, d.phone, \
     d.company, d.stage, d.notes";

fn draft_from_row(row: &Row<'_>) -> rusqlite::Result<EditorDraft> {
    Ok(EditorDraft {
        agency_id: row.get(0)?,
        base_version: row.get(2)?,
        fields: ContactDraft {
            id: row.get(1)?,
            name: row.get(3)?,
            email: row.get(4)?,
            phone: row.get(5)?,
            company: row.get(6)?,
            stage: row.get::<_, StageColumn>(7)?.0,
            notes: row.get(8)?,
        },
    })
}

fn bounded(field: &str, value: &str, max: usize) -> Result<()> {
    let chars = value.chars().count();
    if chars > max {
        return Err(StoreError::invalid(format!(
            "a draft's {field} must be at most {max} characters (got {chars})"
        )));
    }
    Ok(())
}

fn check(draft: &EditorDraft) -> Result<()> {
    let fields = &draft.fields;
    for (field, value) in [
        ("name", &fields.name),
        ("email", &fields.email),
        ("phone", &fields.phone),
        ("company", &fields.company),
    ] {
        bounded(field, value, DRAFT_LINE_MAX_CHARS)?;
    }
    bounded("notes", &fields.notes, DRAFT_NOTES_MAX_CHARS)?;
    if let Some(id) = &fields.id {
        validation::key("contact id", id)?;
    }
    validation::key("agency id", &draft.agency_id)?;
    Ok(())
}

impl Store {
    /// Keeps `draft` as window `window`'s, replacing the one it had.
    ///
    /// `InvalidArgument` for a field beyond its bound, `NotFound` for an
    /// agency that does not exist or is not `owner`'s; nothing is written
    /// then.
    pub fn keep_draft(
        &mut self,
        owner: &str,
        window: &str,
        draft: &EditorDraft,
        now_ms: u64,
    ) -> Result<()> {
        let window = validation::key("window id", window)?;
        self.check_draft(owner, draft)?;
        self.write(|tx| {
            let fields = &draft.fields;
            tx.execute(
                "INSERT INTO editor_drafts (window_id, agency_id, contact_id, base_version, \
                 name, email, phone, company, stage, notes, kept_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) \
                 ON CONFLICT (window_id) DO UPDATE SET agency_id = excluded.agency_id, \
                 contact_id = excluded.contact_id, base_version = excluded.base_version, \
                 name = excluded.name, email = excluded.email, phone = excluded.phone, \
                 company = excluded.company, stage = excluded.stage, notes = excluded.notes, \
                 kept_at = excluded.kept_at",
                params![
                    window,
                    draft.agency_id,
                    fields.id,
                    draft.base_version,
                    fields.name,
                    fields.email,
                    fields.phone,
                    fields.company,
                    StageColumn(fields.stage),
                    fields.notes,
                    now_ms,
                ],
            )?;
            Ok(())
        })
    }

    /// Whether `owner` could keep `draft`: `InvalidArgument` for a field
    /// beyond its bound, `NotFound` for an agency that does not exist or is
    /// another owner's.
    pub fn check_draft(&self, owner: &str, draft: &EditorDraft) -> Result<()> {
        check(draft)?;
        let agency: Option<i64> = self
            .conn()
            .query_row(
                "SELECT 1 FROM agencies WHERE id = ?1 AND owner = ?2",
                [&draft.agency_id, owner],
                |row| row.get(0),
            )
            .optional()?;
        if agency.is_none() {
            return Err(StoreError::not_found("agency", &draft.agency_id));
        }
        Ok(())
    }

    /// Window `window`'s draft, if it has one that `owner` kept.
    pub fn draft(&self, owner: &str, window: &str) -> Result<Option<EditorDraft>> {
        let draft = self
            .conn()
            .query_row(
                &format!(
                    "SELECT {COLUMNS} FROM editor_drafts d JOIN agencies a ON a.id = d.agency_id \
                     WHERE d.window_id = ?1 AND a.owner = ?2"
                ),
                [window, owner],
                draft_from_row,
            )
            .optional()?;
        Ok(draft)
    }

    /// Drops window `window`'s draft (saved, discarded, or closed without
    /// saving); nothing to drop is not an error.
    pub fn drop_draft(&mut self, window: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute("DELETE FROM editor_drafts WHERE window_id = ?1", [window])?;
            Ok(())
        })
    }

    /// The ids of the windows that have a draft, oldest draft first.
    pub fn draft_windows(&self) -> Result<Vec<String>> {
        let mut statement = self
            .conn()
            .prepare_cached("SELECT window_id FROM editor_drafts ORDER BY kept_at, window_id")?;
        let ids = statement
            .query_map([], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ids)
    }

    /// Gives window `from`'s draft to window `to` (whose window did not
    /// come back). `Conflict`-free: a draft `to` already has is kept and
    /// `from`'s stays where it is; answers whether it moved.
    pub fn move_draft(&mut self, from: &str, to: &str) -> Result<bool> {
        let to = validation::key("window id", to)?;
        self.write(|tx| {
            let moved = tx.execute(
                "UPDATE editor_drafts SET window_id = ?2 WHERE window_id = ?1 \
                 AND NOT EXISTS (SELECT 1 FROM editor_drafts WHERE window_id = ?2)",
                [from, to],
            )?;
            Ok(moved == 1)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Stage;

    fn store_with_agency() -> (Store, String) {
        let mut store = Store::open_in_memory().unwrap();
        let agency = store.create_agency("owner", "Acme", 1).unwrap();
        (store, agency.id)
    }

    fn draft(agency: &str, name: &str) -> EditorDraft {
        EditorDraft {
            agency_id: agency.to_owned(),
            base_version: Some(3),
            fields: ContactDraft {
                id: Some("contact-1".into()),
                name: name.into(),
                email: "jane@".into(),
                stage: Stage::Qualified,
                notes: "line one\nline two".into(),
                ..ContactDraft::default()
            },
        }
    }

    #[test]
    fn a_kept_draft_reads_back_as_typed_and_replaces_the_last() {
        let (mut store, agency) = store_with_agency();
        store
            .keep_draft("owner", "w1", &draft(&agency, "Jan"), 1)
            .unwrap();
        store
            .keep_draft("owner", "w1", &draft(&agency, "Jane"), 2)
            .unwrap();
        assert_eq!(
            store.draft("owner", "w1").unwrap(),
            Some(draft(&agency, "Jane"))
        );
        assert_eq!(store.draft_windows().unwrap(), ["w1"]);
        store.drop_draft("w1").unwrap();
        assert_eq!(store.draft("owner", "w1").unwrap(), None);
        store.drop_draft("w1").unwrap();
    }

    #[test]
    fn a_draft_beyond_its_bounds_or_of_no_agency_is_refused_and_changes_nothing() {
        let (mut store, agency) = store_with_agency();
        store
            .keep_draft("owner", "w1", &draft(&agency, "Jane"), 1)
            .unwrap();
        let long = "x".repeat(DRAFT_LINE_MAX_CHARS + 1);
        let error = store
            .keep_draft("owner", "w1", &draft(&agency, &long), 2)
            .unwrap_err();
        assert!(error.to_string().contains("at most 1000"), "{error}");
        assert!(matches!(
            store.keep_draft("owner", "w1", &draft("nope", "Jo"), 2),
            Err(StoreError::NotFound { .. })
        ));
        assert!(store
            .keep_draft("owner", "", &draft(&agency, "Jo"), 2)
            .is_err());
        assert_eq!(
            store.draft("owner", "w1").unwrap(),
            Some(draft(&agency, "Jane"))
        );
    }

    #[test]
    fn a_draft_moves_to_a_window_without_one_only() {
        let (mut store, agency) = store_with_agency();
        store
            .keep_draft("owner", "old", &draft(&agency, "Jane"), 1)
            .unwrap();
        store
            .keep_draft("owner", "busy", &draft(&agency, "Bob"), 2)
            .unwrap();
        assert!(!store.move_draft("old", "busy").unwrap());
        assert!(store.move_draft("old", "new").unwrap());
        assert_eq!(
            store.draft("owner", "new").unwrap(),
            Some(draft(&agency, "Jane"))
        );
        assert_eq!(store.draft("owner", "old").unwrap(), None);
    }

    #[test]
    fn a_draft_is_kept_and_read_only_by_the_owner_of_its_agency() {
        let (mut store, agency) = store_with_agency();
        store
            .keep_draft("owner", "w1", &draft(&agency, "Jane"), 1)
            .unwrap();
        assert_eq!(store.draft("someone-else", "w1").unwrap(), None);
        assert!(matches!(
            store.keep_draft("someone-else", "w2", &draft(&agency, "Jo"), 2),
            Err(StoreError::NotFound { .. })
        ));
        assert_eq!(store.draft_windows().unwrap(), ["w1"]);
    }

    #[test]
    fn deleting_the_agency_deletes_its_drafts() {
        let (mut store, agency) = store_with_agency();
        store
            .keep_draft("owner", "w1", &draft(&agency, "Jane"), 1)
            .unwrap();
        store.forget_owner("owner").unwrap();
        assert_eq!(store.draft("owner", "w1").unwrap(), None);
    }
}
