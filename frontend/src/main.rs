use std::process::ExitCode;

fn main() -> ExitCode {
    common::server::main::<frontend::config::Config>()
}
