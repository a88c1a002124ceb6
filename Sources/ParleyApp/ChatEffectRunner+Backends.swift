import GGUFRuntime
import ParleyCore
import ParleyModels
import ParleyTUI

/// What the next replies come from and how they are asked for: the backend, its model and LoRA
/// adapters, the persona and the schema.
extension ChatEffectRunner {
    func setBackend(_ name: String) {
        var options = backendOptions
        options.backend = name
        options.baseURL = nil
        options.gguf = nil
        options.model = nil
        switchBackend(options, remembered: nil)
    }

    /// The backend in use, with this model (on the local backend it replaces a file given with --gguf).
    func setModel(_ model: String) {
        var options = onCurrentBackend
        options.model = model
        switchBackend(options, remembered: backendChoice)
    }

    /// /lora: the adapters so far plus this one (a file already there takes its new scale), or none.
    func setLoRA(_ text: String?) {
        var list = loras ?? backendOptions.lora
        var notice = "LoRA adapters off"
        if let text {
            guard let spec = try? LoRASpec(parsing: text) else {
                deliver(.notice("\(text): not a LoRA adapter FILE[:SCALE]"))
                return
            }
            list.removeAll { (try? LoRASpec(parsing: $0))?.path == spec.path }
            list.append(text)
            notice = "LoRA adapters: " + list.joined(separator: ", ")
        } else {
            list = []
        }
        switchBackend(onCurrentBackend, remembered: backendChoice, lora: list, then: notice)
    }

    /// The models to complete `/model` with: the server's list, or the local models in
    /// `<storage>/models/`. Silent when there are none.
    func listModels() {
        guard let server = backend as? any ServerModelListing else {
            let names = ModelRegistry(storage: services.storageDirectory).modelFiles()
                .map { ModelRegistry.modelName(ofFile: $0.lastPathComponent) }
            if !names.isEmpty { deliver(.modelsListed(names)) }
            return
        }
        let deliver = self.deliver
        Task.detached {
            // Only for completion: a server without a model list still chats, so a failure
            // here says nothing (a chat request reports real trouble). Listing first also opens
            // the connection the first reply then reuses (see StreamingSessions).
            if let names = try? await server.listModels() { deliver(.modelsListed(names)) }
        }
    }

    func setPersona(_ name: String, conversationID: String?) {
        let (personas, store) = (services.personas, services.conversations)
        inOrder(refreshesIndex: true) { [self] in
            let chosen = try personas.persona(named: name)
            await adoptPersona(chosen)
            if let conversationID { try store.update(id: conversationID) { $0.persona = chosen.name } }
            return .personaChanged(chosen.name)
        }
    }

    private func adoptPersona(_ chosen: Persona) {
        persona = chosen
    }

    /// Reads and checks the schema file; nil stops applying one.
    func setSchema(_ path: String?) {
        inOrder { [self] in
            let format = try path.map { try ResponseFormatSource.schema($0) }
            await adoptResponseFormat(format)
            switch format {
            case nil: return .schemaChanged(nil)
            case .jsonSchema(let name, _)?: return .schemaChanged(name)
            case .grammar?: return nil
            }
        }
    }

    private func adoptResponseFormat(_ format: ResponseFormat?) {
        responseFormat = format
    }

    /// The command line's backend options without the ones that choose a backend, so that the
    /// backend in use (passed as `remembered`) is the one chosen.
    private var onCurrentBackend: BackendOptions {
        var options = backendOptions
        options.backend = nil
        options.baseURL = nil
        options.gguf = nil
        options.model = nil
        return options
    }

    /// A conversation opened from the list goes back to the backend and model it remembers, unless
    /// the command line chose them; one whose backend the config no longer has stays on this one.
    func returnToRememberedBackend(of conversation: Conversation) {
        guard let remembered = conversation.backend else { return }
        let chosen: BackendChoice
        do {
            chosen = try services.backends.choice(backendOptions, preferred: persona.backend, remembered: remembered)
        } catch {
            deliver(.notice("\(oneLineDescription(of: error)); staying on \(backendChoice.summary)"))
            return
        }
        guard chosen != backendChoice else { return }
        switchBackend(backendOptions, remembered: remembered)
    }

    /// Switches to the backend `options` (and `remembered`, as for a conversation being continued)
    /// choose, off the actor (a local model takes a while to load). `lora`: the adapters to switch
    /// to (kept only when the backend could be made with them); nil keeps those chosen before.
    /// `notice`, after the change (which says which backend it is), says what changed about it.
    private func switchBackend(
        _ options: BackendOptions, remembered: BackendChoice?, lora newList: [String]? = nil, then notice: String? = nil
    ) {
        let (backends, deliver, preferred, lora) = (services.backends, self.deliver, persona.backend, newList ?? loras)
        backendSwitches.enqueue { [self] in
            do {
                let made = try backends.makeBackend(options, preferred: preferred, remembered: remembered, lora: lora)
                await adoptBackend(made, loras: newList)
                let descriptor = made.backend.descriptor
                deliver(.backendChanged(BackendInfo(name: descriptor.name, model: descriptor.model, contextSize: made.backend.contextSize)))
                if let notice { deliver(.notice(notice)) }
            } catch {
                deliver(.error(oneLineDescription(of: error)))
            }
        }
    }

    private func adoptBackend(_ made: MadeBackend, loras newList: [String]?) {
        backend = made.backend
        backendChoice = made.choice
        if let newList { loras = newList }
    }
}
