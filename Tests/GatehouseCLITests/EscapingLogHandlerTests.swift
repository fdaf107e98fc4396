import GatehouseCore
import Logging
import Testing

@testable import gatehouse

@Suite struct EscapingLogHandlerTests {
    @Test func metadataSetOnTheLoggerIsEscapedWhenALineIsWritten() {
        var handler = EscapingLogHandler(label: "test")
        handler[metadataKey: "path"] = "/token\n2026-12-03T00:00:00 critical : forged"
        #expect(handler[metadataKey: "path"] == "/token\n2026-12-03T00:00:00 critical : forged")
        let line = handler.lineMetadata(["client": "\u{1b}[2Jcleared", "path": "/introspect\r"])
        #expect(line?["client"] == .string(UntrustedText.escaped("\u{1b}[2Jcleared")))
        #expect(line?["path"] == .string(UntrustedText.escaped("/introspect\r")))
        #expect(line?["path"] == "/introspect\\r")
    }

    @Test func aLoggersOwnMetadataIsEscapedToo() {
        var handler = EscapingLogHandler(label: "test")
        handler.metadata = ["user": .array(["a\nb"])]
        #expect(handler.lineMetadata(nil)?["user"] == .array([.string(UntrustedText.escaped("a\nb"))]))
        #expect(EscapingLogHandler(label: "test").lineMetadata(nil) == nil)
    }
}
