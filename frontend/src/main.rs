use std::process::ExitCode;

fn main() -> ExitCode {
    common::server::main(
        "frontend",
        frontend::config::DEFAULT_PORT,
        frontend::config::Config::from_env,
        frontend::server::run,
    )
}
