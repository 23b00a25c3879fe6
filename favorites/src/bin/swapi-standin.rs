//! An offline stand-in for the Star Wars API (films and people), for tests and for
//! classrooms without internet. See `favorites::swapi_standin`.

use std::process::ExitCode;

fn main() -> ExitCode {
    service_kit::server::main::<favorites::swapi_standin::Config>()
}
