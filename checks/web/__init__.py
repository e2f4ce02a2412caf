"""Web exposure: a catalogue of read-only HTTP probes run on every HTTP(S) port discovery found."""
