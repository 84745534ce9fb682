"""What captions runs on besides the chassis: the speech recognizer (faster-whisper) and the
relay's speaker feeds on core NATS."""
