//! The `threeds-bridge` binary; see [`threeds_bridge::cli`].

fn main() -> std::process::ExitCode {
    threeds_bridge::cli::run()
}
