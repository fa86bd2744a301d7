//! The rules the release pipeline keeps, as checks over one parsed
//! workflow: what it pins, what it grants, and what it publishes with the
//! installers (where secrets may be is `secret_rules.rs`). Each check
//! returns the places that break its rule, one line each, naming the rule,
//! the job and the step; an empty list means the workflow keeps the rule.
//! `release.rs` runs them on the committed workflows; `broken_copies.rs`
//! shows that each catches a broken one.
//!
//! The checks read what GitHub reads: the parsed document. Only the version
//! comment after a pinned commit, which YAML drops, is read from the text.

use super::workflow::{
    broken, permission_pairs, secret_refs, text, uses_lines, uses_places, Step, Workflow,
};

/// Every `uses:` names a full commit, and a comment says which version.
pub const PINNED: &str = "every action is pinned to a full commit with its version in a comment";
/// `permissions` at the top grant nothing; each job names its own.
pub const PERMISSIONS: &str =
    "the workflow grants no write permission, every job names its own, and a job holding a secret can only read";
/// The installers go out with their checksums.
pub const CHECKSUMS: &str = "SHA256SUMS of every installer is made and uploaded with them";
/// The installers go out with their provenance.
pub const PROVENANCE: &str =
    "the installers are attested, with id-token and attestations write, by the job that uploads them";

fn is_commit(reference: &str) -> bool {
    reference.len() == 40
        && reference
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// `v6.0.2`: the tag a commit was released as, in full.
fn is_version(comment: &str) -> bool {
    let Some(version) = comment.split_whitespace().next() else {
        return false;
    };
    let parts: Vec<&str> = version.strip_prefix('v').unwrap_or("").split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
}

/// Each non-local action with its commit and version: `(action, commit, version)`.
pub fn pins(workflow: &Workflow) -> Vec<(String, String, String)> {
    uses_lines(&workflow.text)
        .into_iter()
        .filter(|(value, _)| !value.starts_with("./"))
        .map(|(value, comment)| {
            let (action, commit) = value.split_once('@').unwrap_or((value, ""));
            let version = comment.split_whitespace().next().unwrap_or_default();
            (action.to_owned(), commit.to_owned(), version.to_owned())
        })
        .collect()
}

/// [`PINNED`]: `owner/repo@<40 hex> # vX.Y.Z` for every action not in the
/// repository itself.
pub fn unpinned_actions(workflow: &Workflow) -> Vec<String> {
    let places = uses_places(workflow);
    let lines = uses_lines(&workflow.text);
    let mut found = Vec::new();
    if places.len() != lines.len() {
        found.push(broken(
            PINNED,
            "the file",
            format!(
                "{} `uses:` in the document but {} on lines of their own: write each as `uses: owner/repo@<commit> # vX.Y.Z`",
                places.len(),
                lines.len()
            ),
        ));
    }
    for (place, value) in places {
        if value.starts_with("./") {
            continue;
        }
        let commit = value
            .split_once('@')
            .map(|(_, commit)| commit)
            .unwrap_or("");
        if !is_commit(commit) {
            found.push(broken(
                PINNED,
                &place,
                format!("`{value}` is not a full 40-hex commit"),
            ));
        }
        for (_, comment) in lines.iter().filter(|(line, _)| *line == value) {
            if !is_version(comment) {
                found.push(broken(
                    PINNED,
                    &place,
                    format!("`{value}` has no `# vX.Y.Z` comment (found `{comment}`)"),
                ));
            }
        }
    }
    found
}

/// [`PERMISSIONS`], and: only a job that attests may mint an OIDC token or
/// write an attestation.
pub fn permission_violations(workflow: &Workflow) -> Vec<String> {
    let mut found = Vec::new();
    match permission_pairs(&workflow.doc["permissions"]) {
        None => found.push(broken(
            PERMISSIONS,
            "the workflow",
            "`permissions` must be `{}` or a map of `read`",
        )),
        Some(pairs) => {
            for (scope, access) in pairs
                .into_iter()
                .filter(|(_, access)| *access != "read" && *access != "none")
            {
                found.push(broken(
                    PERMISSIONS,
                    "the workflow",
                    format!("grants `{scope}: {access}` to every job"),
                ));
            }
        }
    }
    let steps = workflow.steps();
    for (id, job) in workflow.jobs() {
        let place = format!("job `{id}`");
        let Some(pairs) = permission_pairs(&job["permissions"]) else {
            found.push(broken(
                PERMISSIONS,
                &place,
                "has no `permissions` map of its own",
            ));
            continue;
        };
        let holds_secret = !secret_refs(job, &mut Vec::new()).is_empty();
        let attests = steps.iter().any(|step| step.job == id && step.attests());
        for (scope, access) in pairs {
            if access == "write" && holds_secret {
                found.push(broken(
                    PERMISSIONS,
                    &place,
                    format!("holds a secret and may write `{scope}`"),
                ));
            }
            if access == "write" && (scope == "id-token" || scope == "attestations") && !attests {
                found.push(broken(
                    PROVENANCE,
                    &place,
                    format!("may write `{scope}` but attests nothing"),
                ));
            }
            if !matches!(access, "read" | "write" | "none") {
                found.push(broken(
                    PERMISSIONS,
                    &place,
                    format!("`{scope}: {access}` is not read, write or none"),
                ));
            }
        }
    }
    found
}
/// [`CHECKSUMS`]: the job that uploads to the release downloads the
/// installers, then runs `sha256sum` into SHA256SUMS, then uploads
/// SHA256SUMS with the installers.
pub fn checksum_violations(workflow: &Workflow) -> Vec<String> {
    let steps = workflow.steps();
    let uploads: Vec<&Step> = steps
        .iter()
        .filter(|step| step.uploads_to_release())
        .collect();
    if uploads.is_empty() {
        return vec![broken(
            CHECKSUMS,
            "the workflow",
            "no step uploads to the release (`gh release upload`)",
        )];
    }
    let mut found = Vec::new();
    for upload in uploads {
        let job: Vec<&Step> = steps
            .iter()
            .filter(|step| step.job == upload.job && step.index < upload.index)
            .collect();
        let download = job
            .iter()
            .position(|step| step.uses().starts_with("actions/download-artifact@"));
        let sums = job
            .iter()
            .position(|step| step.run().contains("sha256sum") && step.run().contains("SHA256SUMS"));
        match (download, sums) {
            (Some(download), Some(sums)) if download < sums => {}
            (_, None) => found.push(broken(
                CHECKSUMS,
                &upload.place(),
                "no earlier step of the job runs `sha256sum` into SHA256SUMS",
            )),
            _ => found.push(broken(
                CHECKSUMS,
                &upload.place(),
                "SHA256SUMS is made before the installers are downloaded",
            )),
        }
        for needed in ["SHA256SUMS", "dist/*"] {
            if !upload.run().contains(needed) {
                found.push(broken(
                    CHECKSUMS,
                    &upload.place(),
                    format!("does not upload `{needed}`"),
                ));
            }
        }
    }
    found
}

/// [`PROVENANCE`]: an attestation step with a subject, after the installers
/// are downloaded and before the upload, in a job that may mint an OIDC
/// token and write attestations; the upload carries its bundle.
pub fn provenance_violations(workflow: &Workflow) -> Vec<String> {
    let steps = workflow.steps();
    let attests: Vec<&Step> = steps.iter().filter(|step| step.attests()).collect();
    if attests.is_empty() {
        return vec![broken(
            PROVENANCE,
            "the workflow",
            "no step uses actions/attest-build-provenance",
        )];
    }
    let mut found = Vec::new();
    for attest in attests {
        let job = &workflow.doc["jobs"][attest.job];
        let pairs = permission_pairs(&job["permissions"]).unwrap_or_default();
        for scope in ["id-token", "attestations"] {
            if !pairs.contains(&(scope, "write")) {
                found.push(broken(
                    PROVENANCE,
                    &attest.place(),
                    format!("its job lacks `{scope}: write`"),
                ));
            }
        }
        let with = &attest.yaml["with"];
        if ["subject-path", "subject-checksums"]
            .iter()
            .all(|input| text(&with[*input]).is_empty())
        {
            found.push(broken(PROVENANCE, &attest.place(), "names no subject"));
        }
        let job_steps: Vec<&Step> = steps.iter().filter(|step| step.job == attest.job).collect();
        let downloaded_before = job_steps.iter().any(|step| {
            step.index < attest.index && step.uses().starts_with("actions/download-artifact@")
        });
        if !downloaded_before {
            found.push(broken(
                PROVENANCE,
                &attest.place(),
                "attests before the installers are downloaded",
            ));
        }
        let id = text(&attest.yaml["id"]);
        let bundle = format!("steps.{id}.outputs.bundle-path");
        let published = job_steps.iter().any(|step| {
            step.index > attest.index
                && step.uploads_to_release()
                && !id.is_empty()
                && step.yaml["env"]
                    .as_hash()
                    .into_iter()
                    .flatten()
                    .any(|(_, value)| text(value).contains(&bundle))
        });
        if !published {
            found.push(broken(
                PROVENANCE,
                &attest.place(),
                "no later upload in the job carries its bundle (`id` and `outputs.bundle-path`)",
            ));
        }
    }
    found
}
