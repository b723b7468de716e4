"""How the pack runs the k8s-pack binary, for its actions and its sensors alike.

The command line comes from the pack config. What must never be on a command line (an
action's parameters, a kubeconfig given as text) goes to files in a private directory that
only this user can read and that is deleted when the run ends.
"""

import os
import shutil
import tempfile


class K8sPack(object):
    """One run of the binary: use it as a context manager; its private files go on exit."""

    def __init__(self, config):
        self._config = config or {}
        self._dir = None

    def __enter__(self):
        # mkdtemp makes the directory readable by this user only (mode 0700).
        self._dir = tempfile.mkdtemp(prefix="k8s-pack-")
        return self

    def __exit__(self, *exc_info):
        shutil.rmtree(self._dir, ignore_errors=True)
        self._dir = None
        return False

    def private_file(self, name, text):
        """Writes `text` to a new file only this user can read; returns its path."""
        path = os.path.join(self._dir, name)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        return path

    def command(self, *args, **options):
        """The argument list: the binary, the cluster options of the config, then `args`.

        `namespace=` sets --namespace (an action's default namespace, a sensor's scope).
        """
        config = self._config
        command = [config.get("k8s_pack") or "k8s-pack"]
        if config.get("kubeconfig_data"):
            command += ["--kubeconfig", self.private_file("kubeconfig", config["kubeconfig_data"])]
        elif config.get("kubeconfig"):
            command += ["--kubeconfig", os.path.expanduser(config["kubeconfig"])]
        if config.get("context"):
            command += ["--context", config["context"]]
        if options.get("namespace"):
            command += ["--namespace", options["namespace"]]
        return command + list(args)


def error_message(stderr):
    """What k8s-pack said went wrong: its `error: ...` lines, without the prefix."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line[len("error: "):] for line in lines if line.startswith("error: ")]
    return "\n".join(errors or lines)
