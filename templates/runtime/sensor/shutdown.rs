//! Stopping sensors: one handle stops every sensor holding a clone of its token.

use tokio::sync::watch;

/// Fires a [`Shutdown`]: on [`ShutdownHandle::shutdown`], on drop, or on Ctrl-C/SIGTERM with
/// [`Shutdown::on_signal`].
#[derive(Debug)]
pub struct ShutdownHandle {
    sender: watch::Sender<bool>,
}

/// A token a sensor watches; cheap to clone.
#[derive(Clone, Debug)]
pub struct Shutdown {
    receiver: watch::Receiver<bool>,
}

impl ShutdownHandle {
    pub fn pair() -> (ShutdownHandle, Shutdown) {
        let (sender, receiver) = watch::channel(false);
        (ShutdownHandle { sender }, Shutdown { receiver })
    }

    pub fn shutdown(&self) {
        self.sender.send_replace(true);
    }

    /// A further token for the same handle.
    pub fn token(&self) -> Shutdown {
        Shutdown { receiver: self.sender.subscribe() }
    }
}

impl Drop for ShutdownHandle {
    fn drop(&mut self) {
        self.shutdown();
    }
}

impl Shutdown {
    pub fn is_shutdown(&self) -> bool {
        *self.receiver.borrow()
    }

    /// Completes once the handle fires (or is dropped).
    pub async fn wait(&self) {
        let mut receiver = self.receiver.clone();
        // An error means the handle is gone, which also means stop.
        let _ = receiver.wait_for(|stop| *stop).await;
    }

    /// A token that fires on Ctrl-C or SIGTERM, for command-line programs.
    pub fn on_signal() -> Shutdown {
        let (handle, token) = ShutdownHandle::pair();
        tokio::spawn(async move {
            signal().await;
            handle.shutdown();
        });
        token
    }
}

#[cfg(unix)]
async fn signal() {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(not(unix))]
async fn signal() {
    let _ = tokio::signal::ctrl_c().await;
}
