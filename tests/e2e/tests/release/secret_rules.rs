//! Where a secret may be in a release workflow, as checks over one parsed
//! workflow: only in the environment of the step that bundles and signs,
//! never near the compiler, never exported to a later step, and never as an
//! empty variable the bundler would act on. Like `workflow_rules.rs`, each
//! check returns the places that break its rule, naming the job and step.

use super::workflow::{broken, names_secret, secret_refs, text, Step, Workflow};

/// Secrets go to the bundling step's environment and nowhere else.
pub const SECRETS: &str = "a secret reaches only the `env` of a step that runs `tauri bundle`";
/// The compile happens before any secret exists.
pub const COMPILE: &str =
    "the app is compiled by `tauri build --no-bundle`, with no secret in reach, before it is bundled";
/// Nothing a step exports outlives it when it holds a secret.
pub const RUNNER_FILES: &str =
    "no step writes to $GITHUB_ENV, and a step holding a secret writes to no runner file";
/// The bundler never sees a signing variable that is set but empty.
pub const EMPTY_VARIABLES: &str =
    "an unset signing secret leaves its variable unset: the bundler acts on APPLE_* and TAURI_SIGNING_* even when empty";

/// [`SECRETS`]: the only place a secret may appear is
/// `jobs.<job>.steps.<n>.env.<NAME>` of a step that runs `tauri bundle`.
pub fn misplaced_secrets(workflow: &Workflow) -> Vec<String> {
    let steps = workflow.steps();
    secret_refs(&workflow.doc, &mut Vec::new())
        .into_iter()
        .filter_map(|path| {
            let parts: Vec<&str> = path.split('.').collect();
            let step = match parts.as_slice() {
                ["jobs", job, "steps", index, "env", _] => steps
                    .iter()
                    .find(|step| step.job == *job && index.parse() == Ok(step.index)),
                _ => None,
            };
            match step {
                Some(step) if step.bundles() => None,
                Some(step) => Some(broken(
                    SECRETS,
                    &step.place(),
                    format!("`{path}` names a secret but the step does not bundle"),
                )),
                None => Some(broken(
                    SECRETS,
                    "the workflow",
                    format!("`{path}` names a secret outside a step's `env`"),
                )),
            }
        })
        .collect()
}

/// [`COMPILE`]: in a job that bundles, `tauri build --no-bundle` runs before
/// the first bundling step and no step up to it holds a secret; and no
/// `tauri build` anywhere bundles.
pub fn compile_violations(workflow: &Workflow) -> Vec<String> {
    let mut found = Vec::new();
    let steps = workflow.steps();
    for step in steps
        .iter()
        .filter(|step| step.run().contains("tauri build"))
    {
        if !step.run().contains("--no-bundle") {
            found.push(broken(
                COMPILE,
                &step.place(),
                "`tauri build` without `--no-bundle` bundles, and signs, as it compiles",
            ));
        }
    }
    for (id, _) in workflow.jobs() {
        let job: Vec<&Step> = steps.iter().filter(|step| step.job == id).collect();
        let Some(first_bundle) = job.iter().position(|step| step.bundles()) else {
            continue;
        };
        let compile = job.iter().position(|step| {
            step.run().contains("tauri build") && step.run().contains("--no-bundle")
        });
        match compile {
            Some(compile) if compile < first_bundle => {
                for step in job[..=compile].iter().filter(|step| step.holds_secret()) {
                    found.push(broken(
                        COMPILE,
                        &step.place(),
                        "holds a secret before the app is compiled",
                    ));
                }
            }
            _ => found.push(broken(
                COMPILE,
                &format!("job `{id}`"),
                "bundles without first compiling by `tauri build --no-bundle`",
            )),
        }
    }
    found
}

/// [`RUNNER_FILES`]: $GITHUB_ENV is never written (whatever is there reaches
/// every later step); a step that holds a secret writes no runner file at all.
pub fn runner_file_violations(workflow: &Workflow) -> Vec<String> {
    let mut found = Vec::new();
    for step in workflow.steps() {
        if step.run().contains("GITHUB_ENV") {
            found.push(broken(
                RUNNER_FILES,
                &step.place(),
                "writes to $GITHUB_ENV, which every later step reads",
            ));
        }
        if step.holds_secret() {
            for file in [
                "GITHUB_OUTPUT",
                "GITHUB_PATH",
                "GITHUB_STATE",
                "GITHUB_STEP_SUMMARY",
            ] {
                if step.run().contains(file) {
                    found.push(broken(
                        RUNNER_FILES,
                        &step.place(),
                        format!("holds a secret and writes to ${file}"),
                    ));
                }
            }
        }
    }
    found
}

/// [`EMPTY_VARIABLES`]: a step that maps `APPLE_*` or `TAURI_SIGNING_*`
/// from a secret lists each such variable in the loop that drops the empty
/// ones: `for name in ...; do ... unset "$name"` in bash, `foreach ($name in
/// ...) { ... Remove-Item "Env:$name" }` in PowerShell.
pub fn empty_signing_variables(workflow: &Workflow) -> Vec<String> {
    let mut found = Vec::new();
    for step in workflow.steps() {
        let dropped = dropped_when_empty(step.run());
        for (name, value) in step.yaml["env"].as_hash().into_iter().flatten() {
            let name = text(name);
            let signing = name.starts_with("APPLE_") || name.starts_with("TAURI_SIGNING_");
            if signing && names_secret(text(value)) && !dropped.contains(&name) {
                found.push(broken(
                    EMPTY_VARIABLES,
                    &step.place(),
                    format!("`{name}` reaches the step without being dropped when empty"),
                ));
            }
        }
    }
    found
}

/// The variables a script's drop loop names, if the loop drops them.
fn dropped_when_empty(run: &str) -> Vec<&str> {
    let (list, drops) = if let Some(rest) = run.split_once("for name in ").map(|(_, rest)| rest) {
        (rest.split("; do").next(), rest.contains("unset \"$name\""))
    } else if let Some(rest) = run.split_once("foreach ($name in ").map(|(_, rest)| rest) {
        (
            rest.split(')').next(),
            rest.contains("Remove-Item \"Env:$name\""),
        )
    } else {
        (None, false)
    };
    match list {
        Some(list) if drops => list
            .split(|c: char| c.is_whitespace() || matches!(c, ',' | '\'' | '\\'))
            .filter(|name| !name.is_empty())
            .collect(),
        _ => Vec::new(),
    }
}
