/// Text that came from outside (a typed username, a parameter echoed in an error) on its way to storage or to a
/// person: bounded in length, and with every control character made visible, so that it can neither grow the
/// database without limit nor draw fake lines on a terminal (a newline, an ANSI escape, a bidi override).
public enum UntrustedText {
    /// The most characters kept of an attempted username (a real one has at most 128).
    public static let usernameLimit = 128
    /// The most characters kept of a description or other free text.
    public static let textLimit = 512

    /// `text` cut to `limit` characters, marked with `…` where it was cut.
    public static func bounded(_ text: String, to limit: Int) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(max(0, limit - 1))) + "…"
    }

    /// `text` with each control or formatting character that could change how a terminal shows a line written as
    /// a visible escape (`\n`, `\u{1B}`, `\u{202E}`); everything else unchanged. With `keepingLayout`, newlines and
    /// tabs stay (for output whose own layout uses them, after its fields were escaped).
    public static func escaped(_ text: String, keepingLayout: Bool = false) -> String {
        func escapes(_ scalar: Unicode.Scalar) -> Bool {
            isInvisible(scalar) && !(keepingLayout && (scalar == "\n" || scalar == "\t"))
        }
        guard text.unicodeScalars.contains(where: escapes) else { return text }
        var output = ""
        for scalar in text.unicodeScalars {
            guard escapes(scalar) else {
                output.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            default: output += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return output
    }

    /// C0 and C1 controls, DEL, and the bidirectional and zero-width formatting characters.
    public static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x2069, 0xFEFF: true
        default: false
        }
    }

    /// RFC 6749 §5.2: `error_description` may hold only %x20-21 / %x23-5B / %x5D-7E. A double quote becomes a
    /// single one, a backslash a slash, anything else outside the set `?`; at most ``textLimit`` characters.
    public static func errorDescription(_ text: String) -> String {
        guard text.utf8.count > textLimit || !text.utf8.allSatisfy(isDescriptionByte) else { return text }
        let replaced = text.unicodeScalars.map { scalar -> Unicode.Scalar in
            switch scalar {
            case "\"": "'"
            case "\\": "/"
            case _ where scalar.isASCII && isDescriptionByte(UInt8(scalar.value)): scalar
            default: "?"
            }
        }
        let ascii = String(String.UnicodeScalarView(replaced))
        return ascii.count > textLimit ? String(ascii.prefix(textLimit - 3)) + "..." : ascii
    }

    private static func isDescriptionByte(_ byte: UInt8) -> Bool {
        (0x20...0x7E).contains(byte) && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\")
    }
}
