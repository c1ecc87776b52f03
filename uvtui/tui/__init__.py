"""The Textual app: screens, widgets, one stylesheet and the messages workers post."""
