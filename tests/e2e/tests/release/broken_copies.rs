//! Each rule of `workflow_rules.rs` and `secret_rules.rs` fails on a workflow that breaks it: the
//! committed release workflow with one thing broken, or a small workflow
//! written to break one rule. A check that let these through would let the
//! committed workflow drift the same way unnoticed.

use super::secret_rules;
use super::workflow::Workflow;
use super::workflow_rules as rules;
use super::workflow_text;

/// The committed release workflow with the first `from` replaced by `to`.
/// Panics if `from` is gone, so that an edit to the workflow cannot leave a
/// test here checking nothing.
fn broken_release(from: &str, to: &str) -> Workflow {
    let text = workflow_text("release.yml");
    assert!(text.contains(from), "release.yml no longer has {from:?}");
    Workflow::parse(&text.replacen(from, to, 1))
}

/// Asserts that one line of `found` names `rule` and contains `place`.
fn assert_caught(found: &[String], rule: &str, place: &str) {
    assert!(
        found
            .iter()
            .any(|line| line.starts_with(&format!("[{rule}]")) && line.contains(place)),
        "expected [{rule}] at {place:?}, found {found:#?}"
    );
}

const SETUP_NODE: &str = "actions/setup-node@2028fbc5c25fe9cf00d9f06a71cc4710d4507903 # v6.0.0";

#[test]
fn an_action_on_a_tag_a_short_commit_or_without_its_version_is_caught() {
    let tag = broken_release(SETUP_NODE, "actions/setup-node@v6");
    let found = rules::unpinned_actions(&tag);
    assert_caught(
        &found,
        rules::PINNED,
        "job `installers`, step 4 (actions/setup-node@v6)",
    );

    let no_version = broken_release(SETUP_NODE, SETUP_NODE.trim_end_matches(" # v6.0.0"));
    let found = rules::unpinned_actions(&no_version);
    assert_caught(&found, rules::PINNED, "has no `# vX.Y.Z` comment");

    let short = broken_release(
        "de0fac2e4500dabe0009e67214ff5f5447ce83dd # v6.0.2",
        "de0fac2e # v6.0.2",
    );
    let found = rules::unpinned_actions(&short);
    assert_caught(&found, rules::PINNED, "job `draft`, step 1");
}

#[test]
fn a_uses_the_line_scan_cannot_read_is_caught_and_a_local_action_is_not() {
    let flow = Workflow::parse(
        "permissions: {}\njobs:\n  a:\n    steps:\n      - {uses: actions/checkout@v6}\n      - uses: ./.github/actions/local\n",
    );
    let found = rules::unpinned_actions(&flow);
    assert_caught(
        &found,
        rules::PINNED,
        "2 `uses:` in the document but 1 on lines",
    );
    assert_caught(
        &found,
        rules::PINNED,
        "`actions/checkout@v6` is not a full 40-hex commit",
    );
    assert!(
        !found.iter().any(|line| line.contains("./.github")),
        "{found:#?}"
    );
}

#[test]
fn write_permissions_for_all_jobs_or_a_job_without_its_own_are_caught() {
    let all = broken_release("permissions: {}", "permissions:\n  contents: write");
    assert_caught(
        &rules::permission_violations(&all),
        rules::PERMISSIONS,
        "the workflow",
    );

    let none = broken_release(
        "    permissions:\n      contents: read\n    strategy:",
        "    strategy:",
    );
    assert_caught(
        &rules::permission_violations(&none),
        rules::PERMISSIONS,
        "job `installers`: has no `permissions`",
    );
}

#[test]
fn a_job_holding_a_secret_that_may_write_or_mint_tokens_is_caught() {
    let writes = broken_release(
        "      contents: read\n    strategy:",
        "      contents: write\n    strategy:",
    );
    assert_caught(
        &rules::permission_violations(&writes),
        rules::PERMISSIONS,
        "job `installers`: holds a secret",
    );

    let oidc = broken_release(
        "      contents: read\n    strategy:",
        "      contents: read\n      id-token: write\n    strategy:",
    );
    let found = rules::permission_violations(&oidc);
    assert_caught(&found, rules::PERMISSIONS, "may write `id-token`");
    assert_caught(
        &found,
        rules::PROVENANCE,
        "job `installers`: may write `id-token` but attests nothing",
    );
}

#[test]
fn a_secret_in_a_job_or_workflow_env_or_in_a_step_that_does_not_bundle_is_caught() {
    let job_env = broken_release(
        "    timeout-minutes: 60\n",
        "    timeout-minutes: 60\n    env:\n      APPLE_ID: ${{ secrets.APPLE_ID }}\n",
    );
    assert_caught(
        &secret_rules::misplaced_secrets(&job_env),
        secret_rules::SECRETS,
        "`jobs.installers.env.APPLE_ID`",
    );

    let workflow_env = broken_release(
        "  CARGO_TERM_COLOR: always\n",
        "  CARGO_TERM_COLOR: always\n  TAURI_SIGNING_PRIVATE_KEY: ${{ secrets.TAURI_SIGNING_PRIVATE_KEY }}\n",
    );
    assert_caught(
        &secret_rules::misplaced_secrets(&workflow_env),
        secret_rules::SECRETS,
        "`env.TAURI_SIGNING_PRIVATE_KEY`",
    );

    let token = broken_release(
        "GH_TOKEN: ${{ github.token }}\n          TAG",
        "GH_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n          TAG",
    );
    assert_caught(
        &secret_rules::misplaced_secrets(&token),
        secret_rules::SECRETS,
        "job `draft`, step 3 (Find or create the draft)",
    );
}

#[test]
fn secrets_passed_to_an_action_inherited_or_tested_in_a_condition_are_caught() {
    let small = Workflow::parse(concat!(
        "jobs:\n",
        "  reuse:\n    uses: ./.github/workflows/other.yml\n    secrets: inherit\n",
        "  act:\n    steps:\n",
        "      - uses: some/action@0000000000000000000000000000000000000000 # v1.0.0\n",
        "        with:\n          key: ${{ secrets.KEY }}\n",
        "      - if: secrets.KEY != ''\n        run: tauri bundle\n",
    ));
    let found = secret_rules::misplaced_secrets(&small);
    assert_caught(&found, secret_rules::SECRETS, "`jobs.reuse.secrets`");
    assert_caught(&found, secret_rules::SECRETS, "`jobs.act.steps.0.with.key`");
    assert_caught(&found, secret_rules::SECRETS, "`jobs.act.steps.1.if`");
}

#[test]
fn compiling_with_a_secret_in_reach_or_bundling_in_the_compile_is_caught() {
    let secret = broken_release(
        "          TARGET: ${{ matrix.target }}\n        run: npx tauri build",
        "          TARGET: ${{ matrix.target }}\n          APPLE_ID: ${{ secrets.APPLE_ID }}\n        run: npx tauri build",
    );
    assert_caught(
        &secret_rules::misplaced_secrets(&secret),
        secret_rules::SECRETS,
        "(Compile the app (no signing secrets))",
    );
    assert_caught(
        &secret_rules::compile_violations(&secret),
        secret_rules::COMPILE,
        "(Compile the app (no signing secrets)): holds a secret",
    );

    let bundling = broken_release(
        "npx tauri build --ci --no-bundle --no-sign",
        "npx tauri build --ci --no-sign",
    );
    let found = secret_rules::compile_violations(&bundling);
    assert_caught(&found, secret_rules::COMPILE, "without `--no-bundle`");
    assert_caught(
        &found,
        secret_rules::COMPILE,
        "job `installers`: bundles without first compiling",
    );
}

#[test]
fn bundling_before_compiling_is_caught() {
    let small = Workflow::parse(
        "jobs:\n  a:\n    steps:\n      - run: npx tauri bundle\n      - run: npx tauri build --no-bundle\n",
    );
    assert_caught(
        &secret_rules::compile_violations(&small),
        secret_rules::COMPILE,
        "job `a`: bundles without first compiling",
    );
}

#[test]
fn exporting_to_github_env_or_a_secret_to_any_runner_file_is_caught() {
    let bash = broken_release(
        "          unset APPLE_API_KEY_P8\n",
        "          unset APPLE_API_KEY_P8\n          echo \"APPLE_ID=$APPLE_ID\" >> \"$GITHUB_ENV\"\n",
    );
    assert_caught(
        &secret_rules::runner_file_violations(&bash),
        secret_rules::RUNNER_FILES,
        "(Bundle, sign and notarize (macOS)): writes to $GITHUB_ENV",
    );

    let pwsh = broken_release(
        "            npx tauri bundle --ci @bundleArgs\n",
        "            \"SIGNED=1\" | Out-File -FilePath $env:GITHUB_ENV -Append\n            npx tauri bundle --ci @bundleArgs\n",
    );
    assert_caught(
        &secret_rules::runner_file_violations(&pwsh),
        secret_rules::RUNNER_FILES,
        "(Bundle and sign (Windows)): writes to $GITHUB_ENV",
    );

    let output = broken_release(
        "          npx tauri bundle --ci $BUNDLE_ARGS \"${updater[@]}\"\n",
        "          npx tauri bundle --ci $BUNDLE_ARGS \"${updater[@]}\"\n          echo \"key=$TAURI_SIGNING_PRIVATE_KEY\" >> \"$GITHUB_OUTPUT\"\n",
    );
    assert_caught(
        &secret_rules::runner_file_violations(&output),
        secret_rules::RUNNER_FILES,
        "(Bundle (Linux)): holds a secret and writes to $GITHUB_OUTPUT",
    );

    let harmless =
        Workflow::parse("jobs:\n  a:\n    steps:\n      - run: echo \"A=1\" >> \"$GITHUB_ENV\"\n");
    assert_caught(
        &secret_rules::runner_file_violations(&harmless),
        secret_rules::RUNNER_FILES,
        "job `a`, step 1",
    );
}

#[test]
fn a_signing_variable_that_is_not_dropped_when_empty_is_caught() {
    let linux = broken_release(
        "          for name in TAURI_SIGNING_PRIVATE_KEY TAURI_SIGNING_PRIVATE_KEY_PASSWORD; do\n            [ -n \"${!name:-}\" ] || unset \"$name\"\n          done\n",
        "",
    );
    assert_caught(
        &secret_rules::empty_signing_variables(&linux),
        secret_rules::EMPTY_VARIABLES,
        "(Bundle (Linux)): `TAURI_SIGNING_PRIVATE_KEY`",
    );

    let mac = broken_release("APPLE_API_ISSUER APPLE_API_KEY \\", "APPLE_API_ISSUER \\");
    let found = secret_rules::empty_signing_variables(&mac);
    assert_caught(
        &found,
        secret_rules::EMPTY_VARIABLES,
        "`APPLE_API_KEY` reaches",
    );
    assert_eq!(found.len(), 1, "{found:#?}");
}

#[test]
fn installers_uploaded_without_their_checksums_are_caught() {
    let not_uploaded = broken_release(
        "dist/* SHA256SUMS provenance.sigstore.json",
        "dist/* provenance.sigstore.json",
    );
    assert_caught(
        &rules::checksum_violations(&not_uploaded),
        rules::CHECKSUMS,
        "(Upload to the draft release): does not upload `SHA256SUMS`",
    );

    let not_made = broken_release("xargs -0 sha256sum --", "xargs -0 md5sum --");
    assert_caught(
        &rules::checksum_violations(&not_made),
        rules::CHECKSUMS,
        "no earlier step of the job runs `sha256sum`",
    );

    let nothing = Workflow::parse("jobs:\n  a:\n    steps:\n      - run: echo\n");
    assert_caught(
        &rules::checksum_violations(&nothing),
        rules::CHECKSUMS,
        "no step uploads to the release",
    );
}

#[test]
fn installers_uploaded_without_their_provenance_are_caught() {
    let no_store = broken_release(
        "      attestations: write # store the attestation with the repository\n",
        "",
    );
    assert_caught(
        &rules::provenance_violations(&no_store),
        rules::PROVENANCE,
        "(Attest build provenance): its job lacks `attestations: write`",
    );

    let no_oidc = broken_release(
        "      id-token: write # the OIDC token that Sigstore signs the attestation with\n",
        "",
    );
    assert_caught(
        &rules::provenance_violations(&no_oidc),
        rules::PROVENANCE,
        "its job lacks `id-token: write`",
    );

    let bundle_kept = broken_release(
        "          PROVENANCE_BUNDLE: ${{ steps.attest.outputs.bundle-path }}\n",
        "",
    );
    assert_caught(
        &rules::provenance_violations(&bundle_kept),
        rules::PROVENANCE,
        "no later upload in the job carries its bundle",
    );

    let not_attested = broken_release("actions/attest-build-provenance@", "actions/not-attest@");
    assert_caught(
        &rules::provenance_violations(&not_attested),
        rules::PROVENANCE,
        "no step uses actions/attest-build-provenance",
    );
    assert_caught(
        &rules::permission_violations(&not_attested),
        rules::PROVENANCE,
        "job `publish`: may write `id-token` but attests nothing",
    );
}
