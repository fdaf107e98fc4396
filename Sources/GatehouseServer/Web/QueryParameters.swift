import Hummingbird

/// A page's query parameters decoded as a browser encodes a GET form (`application/x-www-form-urlencoded`: `+` is a
/// space, names are percent-decoded too), which Hummingbird's `queryParameters` does not do: a filter for
/// "App 1" arrives as `app=App+1`. The first value of a repeated name wins; an invalid encoding reads as no
/// parameters at all.
struct QueryParameters: Sequence {
    private let pairs: [(key: Substring, value: Substring)]

    init(_ request: Request) {
        let all = FormBody.decodeAll(request.uri.query ?? "") ?? [:]
        pairs = all.compactMap { name, values in values.first.map { (key: Substring(name), value: Substring($0)) } }
    }

    subscript(_ name: String) -> String? {
        pairs.first { $0.key == name }.map { String($0.value) }
    }

    func makeIterator() -> IndexingIterator<[(key: Substring, value: Substring)]> { pairs.makeIterator() }
}
