//! `--color auto` follows the environment conventions anstream's auto mode
//! follows: `CLICOLOR_FORCE` colours even a pipe, `NO_COLOR` and
//! `--color never` still win, and a file written with `-o` stays plain.
//! (`TERM=dumb` matters only on a terminal, which these tests do not have.)

mod support;

/// `openness scan fixtures/corrupt` with the colour variables cleared and
/// then `env` set; true when its stdout holds an escape sequence.
fn coloured(args: &[&str], env: &[(&str, &str)]) -> bool {
    let mut cmd = support::openness_cmd();
    for var in ["CLICOLOR", "CLICOLOR_FORCE", "NO_COLOR", "TERM", "CI"] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied());
    let out = cmd
        .arg("scan")
        .args(args)
        .arg("fixtures/corrupt")
        .assert()
        .success();
    out.get_output().stdout.contains(&0x1b)
}

#[test]
fn a_pipe_is_plain_by_default_even_with_a_colour_term() {
    assert!(!coloured(&[], &[]));
    assert!(!coloured(
        &[],
        &[("TERM", "xterm-256color"), ("CLICOLOR", "1")]
    ));
}

#[test]
fn clicolor_force_colours_a_pipe() {
    assert!(coloured(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(coloured(&[], &[("CLICOLOR_FORCE", "1"), ("TERM", "dumb")]));
}

#[test]
fn no_color_and_the_flag_win_over_clicolor_force() {
    assert!(!coloured(
        &[],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]
    ));
    assert!(!coloured(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]));
    assert!(coloured(&["--color", "always"], &[("NO_COLOR", "1")]));
}

#[test]
fn auto_never_colours_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.txt");
    let mut cmd = support::openness_cmd();
    cmd.env("CLICOLOR_FORCE", "1")
        .args(["scan", "fixtures/corrupt", "-o"])
        .arg(&file)
        .assert()
        .success();
    let written = std::fs::read(&file).unwrap();
    assert!(!written.is_empty());
    assert!(!written.contains(&0x1b));
}
