use std::process::ExitCode;

fn main() -> ExitCode {
    common::server::main(
        "backend",
        backend::config::DEFAULT_PORT,
        backend::Config::from_env,
        backend::run,
    )
}
