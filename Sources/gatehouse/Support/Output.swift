import GatehouseCore

/// Writes one piece of human-facing output. Control and formatting characters other than the newlines and tabs that
/// lay the output out are shown as escapes, so nothing printed can move the cursor, recolour or erase a terminal
/// line; fields that came from outside are escaped whole with ``field(_:)`` first, newlines included.
func emit(_ text: String) {
    print(UntrustedText.escaped(text, keepingLayout: true))
}

/// A field of output that may hold text from outside (a typed username, a name): every control character escaped,
/// so it stays on its line.
func field(_ text: String) -> String { UntrustedText.escaped(text) }
