import Foundation
import GatehouseCore
import Testing

/// TOTP against RFC 6238's own test vectors, the one-use rule, base32 against RFC 4648's, and the QR code of an
/// enrolment page read back by a real decoder (zbar).
@Suite struct OneTimePasswordTests {
    /// RFC 6238 Appendix B, SHA-1: the eight-digit values' last six digits are the six-digit codes.
    @Test func codesMatchRFC6238() {
        let totp = TimeBasedOneTimePassword(secret: Array("12345678901234567890".utf8))
        let vectors: [(TimeInterval, String)] = [
            (59, "287082"), (1_111_111_109, "081804"), (1_111_111_111, "050471"), (1_234_567_890, "005924"),
            (2_000_000_000, "279037"), (20_000_000_000, "353130"),
        ]
        for (time, code) in vectors {
            #expect(totp.code(step: TimeBasedOneTimePassword.step(at: Date(timeIntervalSince1970: time))) == code)
        }
    }

    @Test func aCodeMatchesWithinOneStepAndOnlyOnce() {
        let totp = TimeBasedOneTimePassword.generate()
        let now = Date(timeIntervalSince1970: 1_800_000_015)
        let step = TimeBasedOneTimePassword.step(at: now)
        #expect(totp.matchingStep(totp.code(step: step), at: now, after: nil) == step)
        #expect(totp.matchingStep(totp.code(step: step - 1), at: now, after: nil) == step - 1, "typed as it changed")
        #expect(totp.matchingStep(totp.code(step: step + 1), at: now, after: nil) == step + 1, "a clock ahead")
        #expect(totp.matchingStep(totp.code(step: step - 2), at: now, after: nil) == nil, "too old")
        #expect(totp.matchingStep(totp.code(step: step), at: now, after: step) == nil, "already used")
        #expect(totp.matchingStep(totp.code(step: step - 1), at: now, after: step) == nil, "older than one used")
        let spaced = totp.code(step: step).enumerated().map { $0.offset == 3 ? " \($0.element)" : "\($0.element)" }
        #expect(totp.matchingStep(spaced.joined(), at: now, after: nil) == step, "as apps show it: 123 456")
        for typed in ["", "12345", "1234567", "12345a", "１２３４５６", "-12345"] {
            #expect(totp.matchingStep(typed, at: now, after: nil) == nil, "\(typed)")
        }
    }

    /// A recovery code is one user's: its hash is keyed and names the user, and how it is typed does not matter.
    @Test func recoveryCodesAreHashedPerUserUnderAKey() throws {
        let key = try MasterKey(bytes: [UInt8](repeating: 5, count: 32)).derivedKey(purpose: "recovery-codes")
        let other = try MasterKey(bytes: [UInt8](repeating: 6, count: 32)).derivedKey(purpose: "recovery-codes")
        let (ann, bob) = (UserID(rawValue: "ann"), UserID(rawValue: "bob"))
        let code = try #require(RecoveryCodes.generate().first)
        #expect(
            RecoveryCodes.hash(code, user: ann, key: key) == RecoveryCodes.hash(code.uppercased(), user: ann, key: key))
        #expect(RecoveryCodes.hash(code, user: ann, key: key) != RecoveryCodes.hash(code, user: bob, key: key))
        #expect(RecoveryCodes.hash(code, user: ann, key: key) != RecoveryCodes.hash(code, user: ann, key: other))
        #expect(Set(RecoveryCodes.generate()).count == RecoveryCodes.count)
    }

    @Test func base32MatchesRFC4648() {
        let vectors = [
            ("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ]
        for (plain, encoded) in vectors {
            #expect(Base32.encode(Array(plain.utf8)) == encoded)
            #expect(Base32.decode(encoded) == Array(plain.utf8))
        }
        #expect(Base32.decode("mzxw 6ytb-oi======") == Array("foobar".utf8), "case, spaces, hyphens, padding")
        #expect(Base32.decode("MZXW1") == nil, "1 is not in the alphabet")
    }

    @Test func keyURIIsWhatAuthenticatorAppsRead() {
        let totp = TimeBasedOneTimePassword(secret: Array("12345678901234567890".utf8))
        #expect(
            totp.keyURI(issuer: "Acme Gatehouse", account: "ann@example.com")
                == "otpauth://totp/Acme%20Gatehouse:ann%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                + "&issuer=Acme%20Gatehouse&algorithm=SHA1&digits=6&period=30")
    }

    /// Every version size the encoder picks for texts of growing length decodes back to its text with zbar.
    @Test func qrCodesDecodeWithARealReader() throws {
        let lengths = [1, 14, 20, 60, 106, 107, 150, 213, 300, 600, 1_200]
        var versions: Set<Int> = []
        for length in lengths {
            let text = String(
                (0..<length).map { index in Array("otpauth://totp/Ann:ann%40example.com?secret=ABC")[index % 47] })
            let code = try #require(QRCode(text))
            versions.insert(code.version)
            #expect(try Self.decode(code) == text, "version \(code.version), \(length) bytes")
        }
        #expect(versions.count >= 8, "small, middle and large versions (7 and up carry version bits): \(versions)")
        #expect(QRCode(String(repeating: "x", count: 2_332)) == nil, "beyond version 40 at level M")
        let svg = try #require(QRCode("otpauth://totp/x"))
        #expect(svg.svg().hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
    }

    /// The code as a PGM image (four pixels a module, with its quiet zone), read by `zbarimg`.
    static func decode(_ code: QRCode) throws -> String {
        let scale = 4
        let side = (code.size + 8) * scale
        var pixels = [UInt8](repeating: 255, count: side * side)
        for y in 0..<side {
            for x in 0..<side {
                let (moduleX, moduleY) = (x / scale - 4, y / scale - 4)
                if (0..<code.size).contains(moduleX), (0..<code.size).contains(moduleY),
                    code.isDark(x: moduleX, y: moduleY)
                {
                    pixels[y * side + x] = 0
                }
            }
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString).pgm")
        defer { try? FileManager.default.removeItem(at: file) }
        try (Data("P5 \(side) \(side) 255\n".utf8) + Data(pixels)).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/zbarimg")
        process.arguments = ["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", file.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var text = String(decoding: data, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
