import Foundation
import ParleyCore
import ParleyImages
import ParleyStore
import ParleyTUI

/// Pictures: `/image` as a turn, `/open`, and the names `/image` completes.
extension ChatEffectRunner {
    /// Whether `/image` goes to an SD WebUI server (which lists LoRAs).
    nonisolated var drawsWithSDWebUI: Bool {
        if case .success(let backend) = services.imageBackend { return backend is SDWebUIBackend }
        return false
    }

    /// Makes a picture as the current turn (Ctrl-C cancels it, and SD WebUI is told to stop):
    /// progress to the status line; then the picture is saved with its sidecar, and the command
    /// and a reply referring to it are stored in the conversation. Nothing is stored on failure.
    func startPicture(_ order: PictureOrder, request text: String, conversationID: String?, persona: String, mode: Mode) {
        let deliver = self.deliver
        let backend: any ImageBackend
        switch services.imageBackend {
        case .success(let chosen): backend = chosen
        case .failure(let error):
            deliver(.pictureFailed(oneLineDescription(of: error)))
            return
        }
        let services = self.services
        let store = services.conversations
        let pictures = PictureStore(root: services.storageDirectory)
        startAsTurn {
            do {
                let request = try ChatPictures.request(for: order)
                let image = try await backend.generate(request) { deliver(.pictureProgress($0.fraction)) }
                try Task.checkCancellation()
                let name = try pictures.save(image)
                let asked = Message(id: services.newID(), role: .user, content: text, createdAt: services.now())
                var reply = Message(
                    id: services.newID(), role: .assistant, content: ChatPictures.caption(image.parameters), createdAt: services.now(),
                    backend: image.parameters.backend, model: image.parameters.model)
                reply.picture = name
                let conversation: Conversation
                do {
                    if let conversationID {
                        conversation = try store.update(id: conversationID) { $0.messages += [asked, reply] }
                    } else {
                        let new = Conversation(
                            id: services.newID(), title: Conversation.suggestedTitle(from: "Picture: " + order.prompt),
                            createdAt: services.now(), persona: persona, mode: mode, messages: [asked, reply])
                        try store.create(new)
                        conversation = new
                    }
                } catch {
                    // Nothing would refer to the picture: it goes too.
                    pictures.remove(name)
                    throw error
                }
                deliver(.pictureFinished(conversation))
            } catch {
                if error is CancellationError || Task.isCancelled {
                    let stopped = backend is SDWebUIBackend ? "the server was asked to stop; " : ""
                    deliver(.pictureFailed("picture interrupted: \(stopped)nothing was saved"))
                } else {
                    deliver(.pictureFailed(oneLineDescription(of: error)))
                }
            }
        }
    }

    /// `/open`: the stored picture in the desktop's viewer.
    func openPicture(_ name: String) {
        let (deliver, viewer) = (self.deliver, services.viewerName)
        guard let url = PictureStore(root: services.storageDirectory).url(of: name), FileManager.default.fileExists(atPath: url.path) else {
            deliver(.error("the picture \(name) is not in the images folder any more"))
            return
        }
        do {
            try services.openInViewer(url) { status in
                if status != 0 { deliver(.error("\(viewer) could not open \(name) (exit status \(status))")) }
            }
            deliver(.notice("opened \(name) with \(viewer)"))
        } catch {
            deliver(.error(oneLineDescription(of: error)))
        }
    }

    /// The image server's checkpoints or models and, from SD WebUI, its LoRA names. Only for
    /// completion: a server that cannot list them still draws, so failures say nothing.
    func listImageNames() {
        guard case .success(let backend) = services.imageBackend else { return }
        let deliver = self.deliver
        Task.detached {
            if let names = try? await backend.modelNames() { deliver(.imageModelsListed(names)) }
            if let server = backend as? any ImageLoRAListing, let names = try? await server.loraNames() { deliver(.lorasListed(names)) }
        }
    }
}
