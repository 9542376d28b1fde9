use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = planbot::config::Cli::parse();
    match planbot::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("planbot: {err:#}");
            ExitCode::FAILURE
        }
    }
}
