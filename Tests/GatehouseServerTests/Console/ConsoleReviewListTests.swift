import GatehouseCore
import Testing

@testable import GatehouseServer

/// A review lists who loses access, each linked to the user; a change that reaches thousands lists the first
/// ``ConsoleWords/shownLosses`` and says how many there are and where the whole list is, so the page still opens
/// at once.
@Suite struct ConsoleReviewListTests {
    static func impact(_ count: Int) -> AccessImpact {
        AccessImpact(
            losses: (0..<count).map {
                AccessLoss(user: "user\($0)", app: "Deduper", reason: "not_pre_authorized", liveGrants: $0 % 2)
            })
    }

    @Test func aSmallReviewListsEveryUser() {
        let page = ConsoleWords.losses(Self.impact(3), signedInAs: "admin")
        #expect(page.contains("3 users will lose access</strong>, and 1 live grant will end at once"))
        #expect(page.contains(#"<a href="/admin/users?username=user2">user2</a>"#))
        #expect(!page.contains("are shown"))
        #expect(!page.contains("You will lose access"))
    }

    @Test func aLargeReviewCountsEveryoneAndListsTheFirst() {
        let count = ConsoleWords.shownLosses + 50
        let page = ConsoleWords.losses(Self.impact(count), signedInAs: "user\(count - 1)")
        #expect(page.contains("\(count) users will lose access</strong>, and 125 live grants will end at once"))
        #expect(page.contains("The first \(ConsoleWords.shownLosses) of \(count) are shown"))
        #expect(page.components(separatedBy: "<tr><td>").count - 1 == ConsoleWords.shownLosses)
        #expect(page.contains(">user\(ConsoleWords.shownLosses - 1)</a>"))
        #expect(!page.contains(">user\(ConsoleWords.shownLosses)</a>"))
        // The warning looks at every loser, shown or not.
        #expect(!page.contains("You will lose access"), "not the console app")
        let console = AccessImpact(losses: [
            AccessLoss(user: "admin", app: ConnectedApp.consoleName, reason: "not_pre_authorized", liveGrants: 0)
        ])
        #expect(ConsoleWords.losses(console, signedInAs: "admin").contains("You will lose access to this console"))
    }
}
