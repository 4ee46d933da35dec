"""Message content: rendering, locale formatting, SMS encoding and the language list."""
