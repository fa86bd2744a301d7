//! One GitHub workflow as the release rules read it: its jobs and steps,
//! where each is, which of them name a secret, and the `uses:` lines of the
//! text with the comments YAML parsing drops.

use yaml_rust2::{Yaml, YamlLoader};

/// One workflow file: its text and its document.
pub struct Workflow {
    pub(crate) text: String,
    pub(crate) doc: Yaml,
}

/// One step and where it is.
pub(crate) struct Step<'a> {
    pub(crate) job: &'a str,
    pub(crate) index: usize,
    pub(crate) yaml: &'a Yaml,
}

impl Workflow {
    /// Parses `text`; panics, failing the test, unless it is one YAML document.
    pub fn parse(text: &str) -> Workflow {
        let mut documents = YamlLoader::load_from_str(text)
            .unwrap_or_else(|error| panic!("not valid YAML: {error}"));
        assert_eq!(documents.len(), 1, "one YAML document");
        Workflow {
            text: text.to_owned(),
            doc: documents.remove(0),
        }
    }

    /// The document, for checks that are not rules.
    pub fn doc(&self) -> &Yaml {
        &self.doc
    }

    /// Every job id with its YAML, in file order.
    pub(crate) fn jobs(&self) -> Vec<(&str, &Yaml)> {
        self.doc["jobs"]
            .as_hash()
            .into_iter()
            .flatten()
            .map(|(id, job)| (text(id), job))
            .collect()
    }

    /// Every step of every job, in file order.
    pub(crate) fn steps(&self) -> Vec<Step<'_>> {
        self.jobs()
            .into_iter()
            .flat_map(|(job, yaml)| {
                yaml["steps"]
                    .as_vec()
                    .into_iter()
                    .flatten()
                    .enumerate()
                    .map(move |(index, yaml)| Step { job, index, yaml })
            })
            .collect()
    }
}

impl<'a> Step<'a> {
    /// The step's script, or "".
    pub(crate) fn run(&self) -> &'a str {
        text(&self.yaml["run"])
    }

    /// The action the step uses, or "".
    pub(crate) fn uses(&self) -> &'a str {
        text(&self.yaml["uses"])
    }

    /// Whether anything in the step names a secret.
    pub(crate) fn holds_secret(&self) -> bool {
        !secret_refs(self.yaml, &mut Vec::new()).is_empty()
    }

    /// Whether the step runs `tauri bundle`: the one kind of step a secret may reach.
    pub(crate) fn bundles(&self) -> bool {
        self.run().contains("tauri bundle")
    }

    /// Whether the step makes an artifact attestation.
    pub(crate) fn attests(&self) -> bool {
        ["actions/attest-build-provenance@", "actions/attest@"]
            .iter()
            .any(|action| self.uses().starts_with(action))
    }

    /// Whether the step uploads files to a GitHub release.
    pub(crate) fn uploads_to_release(&self) -> bool {
        self.run().contains("gh release upload")
    }

    /// "job `installers`, step 7 (Compile the app)"
    pub(crate) fn place(&self) -> String {
        let name = [text(&self.yaml["name"]), self.uses()]
            .into_iter()
            .chain(self.run().lines().next())
            .find(|label| !label.is_empty())
            .unwrap_or_default();
        format!("job `{}`, step {} ({name})", self.job, self.index + 1)
    }
}

/// Failure line of a rule: `[rule] place: detail`.
pub(crate) fn broken(rule: &str, place: &str, detail: impl std::fmt::Display) -> String {
    format!("[{rule}] {place}: {detail}")
}

/// A string's text, or "" for anything else.
pub(crate) fn text(value: &Yaml) -> &str {
    value.as_str().unwrap_or_default()
}

/// Where a `uses:` is in the file: the job, and the step if any.
pub(crate) fn uses_places(workflow: &Workflow) -> Vec<(String, &str)> {
    let jobs = workflow
        .jobs()
        .into_iter()
        .filter(|(_, job)| !job["uses"].is_badvalue())
        .map(|(id, job)| (format!("job `{id}`"), text(&job["uses"])));
    let steps = workflow
        .steps()
        .into_iter()
        .filter(|step| !step.uses().is_empty())
        .map(|step| (step.place(), step.uses()));
    jobs.chain(steps).collect()
}

/// Every `uses:` line of the text: its value and the comment after it.
pub(crate) fn uses_lines(text: &str) -> Vec<(&str, &str)> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim_start();
            let line = line.strip_prefix('-').unwrap_or(line).trim_start();
            let rest = line.strip_prefix("uses:")?;
            let (value, comment) = rest.split_once('#').unwrap_or((rest, ""));
            Some((value.trim().trim_matches(['"', '\'']), comment.trim()))
        })
        .collect()
}

/// A `permissions` block as `(scope, access)` pairs; `None` unless it is a map.
pub(crate) fn permission_pairs(block: &Yaml) -> Option<Vec<(&str, &str)>> {
    let hash = block.as_hash()?;
    Some(
        hash.iter()
            .map(|(scope, access)| (text(scope), text(access)))
            .collect(),
    )
}

/// Every string that names a secret, or a `secrets:` key, with its path.
pub(crate) fn secret_refs(yaml: &Yaml, path: &mut Vec<String>) -> Vec<String> {
    let mut found = Vec::new();
    match yaml {
        Yaml::Hash(hash) => {
            for (key, value) in hash {
                path.push(text(key).to_owned());
                // A condition is an expression even without `${{ }}`.
                let condition = text(key) == "if"
                    && !text(value).contains("${{")
                    && names_secret(&format!("${{{{ {} }}}}", text(value)));
                if text(key) == "secrets" || condition {
                    found.push(path.join("."));
                }
                found.extend(secret_refs(value, path));
                path.pop();
            }
        }
        Yaml::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                path.push(index.to_string());
                found.extend(secret_refs(item, path));
                path.pop();
            }
        }
        Yaml::String(value) if names_secret(value) => found.push(path.join(".")),
        _ => {}
    }
    found
}

/// Whether an expression in `value` reads the `secrets` context.
pub(crate) fn names_secret(value: &str) -> bool {
    value.split("${{").skip(1).any(|expression| {
        let expression = expression.split("}}").next().unwrap_or_default();
        expression.match_indices("secrets").any(|(at, word)| {
            let before = expression[..at].chars().next_back();
            let after = expression[at + word.len()..].chars().next();
            let part_of_word =
                |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-');
            !part_of_word(before) && !part_of_word(after)
        })
    })
}
