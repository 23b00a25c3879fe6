//! An offline stand-in for the Star Wars API (films and people), for tests and for
//! classrooms without internet. See `favorites::swapi_standin`.

use std::process::ExitCode;

use favorites::swapi_standin;

fn main() -> ExitCode {
    common::server::main(
        "swapi-standin",
        swapi_standin::DEFAULT_PORT,
        swapi_standin::Config::from_env,
        swapi_standin::run,
    )
}
