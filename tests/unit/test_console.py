"""Quiet by default: library output (Python logging and raw file descriptor 2) goes to the log file, ragreason's
warnings and the progress stream stay on the terminal, and everything is restored afterwards."""

import logging
import os

from ragreason import console


def test_quiet_sends_engine_output_to_the_log_and_keeps_what_the_user_needs(tmp_path, capfd):
    log_file = tmp_path / "out" / "ragreason.log"
    with console.quiet(log_file) as named:
        logging.getLogger("an_engine.core").warning("engine noise")
        logging.getLogger("ragreason.pipeline").warning("a warning for the user")
        logging.getLogger("ragreason.pipeline").info("a detail")
        logging.getLogger("faiss").error("a library error")
        os.write(2, b"C-level noise\n")
        print("progress bar", file=console.stream(), flush=True)
    err = capfd.readouterr().err
    assert named == log_file
    assert "a warning for the user" in err and "progress bar" in err and "a library error" in err
    assert "engine noise" not in err and "C-level noise" not in err and "a detail" not in err
    text = log_file.read_text()
    assert all(s in text for s in ("engine noise", "C-level noise", "a detail", "a warning for the user"))
    os.write(2, b"after the block\n")
    assert "after the block" in capfd.readouterr().err and console.stream() is not None
    logging.getLogger("an_engine.core").warning("after, not logged to the file")
    assert "after, not logged" not in log_file.read_text()


def test_quiet_without_a_log_file_shows_only_warnings(capfd):
    with console.quiet(None) as named:
        logging.getLogger("ragreason.x").info("hidden")
        logging.getLogger("ragreason.x").warning("shown")
        logging.getLogger("peft").warning("library warning, hidden")
    err = capfd.readouterr().err
    assert named is None and "shown" in err and "hidden" not in err
