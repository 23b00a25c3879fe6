use std::process::ExitCode;

fn main() -> ExitCode {
    common::server::main(
        "favorites",
        favorites::config::DEFAULT_PORT,
        favorites::Config::from_env,
        favorites::run,
    )
}
