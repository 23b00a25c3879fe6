use std::process::ExitCode;

fn main() -> ExitCode {
    service_kit::server::main::<favorites::Config>()
}
