//! Progress on stderr while the long phases run. Only on a terminal: redirected stderr (CI
//! logs, tests, `2>file`) gets no escape codes or carriage returns, just the final lines.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// The phases of a run, in order.
pub const PHASES: [&str; 6] = ["read", "load", "ir", "emit", "format", "write"];

/// Reports phases as they start and remembers how long each took.
#[derive(Debug)]
pub struct Progress {
    live: bool,
    current: Option<(&'static str, Instant)>,
    /// Finished phases with their durations, in order.
    pub timings: Vec<(&'static str, Duration)>,
}

impl Progress {
    /// Shows a live phase line if stderr is a terminal and `show` is set.
    pub fn new(show: bool) -> Progress {
        Progress { live: show && std::io::stderr().is_terminal(), current: None, timings: Vec::new() }
    }

    /// Shows nothing; only records timings.
    pub fn hidden() -> Progress {
        Progress { live: false, current: None, timings: Vec::new() }
    }

    /// Ends the current phase and starts `name`.
    pub fn phase(&mut self, name: &'static str) {
        self.end_phase();
        self.current = Some((name, Instant::now()));
        if self.live {
            let step = PHASES.iter().position(|p| *p == name).map_or(0, |i| i + 1);
            let what = match name {
                "read" => "reading the spec",
                "load" => "loading the spec",
                "ir" => "building the API model",
                "emit" => "emitting code",
                "format" => "formatting",
                "write" => "writing files",
                other => other,
            };
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K[{step}/{}] {what}...", PHASES.len());
            let _ = err.flush();
        }
    }

    /// Ends the current phase, if any, recording its time.
    pub fn end_phase(&mut self) {
        if let Some((name, start)) = self.current.take() {
            self.timings.push((name, start.elapsed()));
        }
    }

    /// Ends the last phase and clears the live line.
    pub fn finish(&mut self) {
        self.end_phase();
        if self.live {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
            self.live = false;
        }
    }

    /// The time of one phase (summed if it ran more than once).
    pub fn time_of(&self, name: &str) -> Duration {
        self.timings.iter().filter(|(n, _)| *n == name).map(|(_, d)| *d).sum()
    }
}

impl Drop for Progress {
    /// An error ends the run mid-phase: the live line must not stay in front of the message.
    fn drop(&mut self) {
        self.finish();
    }
}
