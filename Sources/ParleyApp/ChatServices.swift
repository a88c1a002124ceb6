import Foundation
import ParleyConfig
import ParleyCore
import ParleyImages
import ParleyPersonas
import ParleyStore
import ParleyWrite

/// What the chat's effect runner works with besides its own state: the stores, the personas and
/// templates, how backends are made, the image backend, the desktop's viewer, a clock and ids.
/// The program passes the real ones (`live`); tests pass stores over a temporary directory and
/// doubles for the rest.
struct ChatServices: Sendable {
    var conversations: ConversationStore
    var drafts: DraftStore
    /// The storage root: decisions, pictures and local models live under it.
    var storageDirectory: URL
    var personas: PersonaLibrary
    var templates: TemplateLibrary
    var backends: any ChatBackendMaking
    /// What `/image` draws with, or why nothing can (said when `/image` is typed).
    var imageBackend: Result<any ImageBackend, Error>
    /// The config's sampling settings, under the command line's and the persona's.
    var samplingDefaults: SamplingDefaults
    /// The desktop's viewer, by name (for messages), and how to open a file in it; the second
    /// closure hears its exit status.
    var viewerName: String
    var openInViewer: @Sendable (URL, @escaping @Sendable (Int32) -> Void) throws -> Void
    /// The time stamped on feedback, decisions and the messages the runner writes itself.
    var now: @Sendable () -> Date
    /// Ids of the messages and conversations the runner makes itself (the engine makes a turn's).
    var newID: @Sendable () -> String

    /// The program's own: backends from the config, the system's opener, the real clock.
    static func live(
        context: AppContext, conversations: ConversationStore, drafts: DraftStore, personas: PersonaLibrary, templates: TemplateLibrary,
        imageBackend: Result<any ImageBackend, Error>
    ) -> ChatServices {
        let environment = context.environment
        return ChatServices(
            conversations: conversations, drafts: drafts, storageDirectory: context.storageDirectory, personas: personas,
            templates: templates, backends: BackendFactory(context: context), imageBackend: imageBackend,
            samplingDefaults: context.config.sampling, viewerName: DesktopOpener.name,
            openInViewer: { file, finished in try DesktopOpener.open(file, environment: environment, finished: finished) },
            now: { Date() }, newID: { Identifier.make() })
    }
}
