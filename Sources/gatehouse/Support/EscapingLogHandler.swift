import GatehouseCore
import Logging

/// The server's log handler: standard error as swift-log writes it, with every control character in messages and
/// metadata escaped (``UntrustedText/escaped(_:keepingLayout:)``). A request path or an error that echoes what a
/// client sent can then never start a fake log line or repaint the terminal it is read on.
///
/// Metadata is kept as given and escaped when a line is written: frameworks set metadata on every request's logger
/// (a request id), and escaping it there cost every request, logged or not.
struct EscapingLogHandler: LogHandler {
    private var inner: StreamLogHandler
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String) { inner = StreamLogHandler.standardError(label: label) }

    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        event.message = Logger.Message(stringLiteral: UntrustedText.escaped(event.message.description))
        event.metadata = lineMetadata(event.metadata)
        inner.log(event: event)
    }

    /// The metadata a line is written with: the logger's, the provider's and the event's (later ones win), escaped.
    func lineMetadata(_ eventMetadata: Logger.Metadata?) -> Logger.Metadata? {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let eventMetadata { merged.merge(eventMetadata) { _, new in new } }
        return merged.isEmpty ? nil : merged.mapValues(Self.escaped)
    }

    static func escaped(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let text): .string(UntrustedText.escaped(text))
        case .stringConvertible(let convertible): .string(UntrustedText.escaped(convertible.description))
        case .array(let values): .array(values.map(escaped))
        case .dictionary(let values): .dictionary(values.mapValues(escaped))
        }
    }
}
