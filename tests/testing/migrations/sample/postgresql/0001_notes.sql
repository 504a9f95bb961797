CREATE TABLE sample_notes (
  id TEXT PRIMARY KEY,
  body TEXT NOT NULL,
  author TEXT NOT NULL
);
