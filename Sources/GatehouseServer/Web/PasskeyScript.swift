import Hummingbird

/// The one script Gatehouse's pages load, served from ``path``: it runs the WebAuthn ceremony a form describes in
/// its `data-webauthn` attribute (the options as JSON, binary members in base64url), puts the authenticator's answer
/// in the form's fields, and posts it. Every page works without it: the forms it drives are `hidden` until it runs.
enum PasskeyScript {
    static let path = "/passkey.js"

    static func addRoute(to router: Router<some RequestContext>) {
        router.get(RouterPath(String(path.dropFirst()))) { _, _ in
            Response(
                status: .ok,
                headers: [
                    .contentType: "text/javascript; charset=utf-8", .cacheControl: "public, max-age=300",
                    .xContentTypeOptions: "nosniff",
                ],
                body: .init(byteBuffer: ByteBuffer(string: source)))
        }
    }

    static let source = #"""
        "use strict";
        (function () {
          if (!window.PublicKeyCredential || !navigator.credentials) return;

          function bytes(text) {
            var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
            var binary = atob(base64 + "===".slice((base64.length + 3) % 4));
            var out = new Uint8Array(binary.length);
            for (var i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
            return out;
          }

          function text(buffer) {
            var view = new Uint8Array(buffer), binary = "";
            for (var i = 0; i < view.length; i++) binary += String.fromCharCode(view[i]);
            return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
          }

          function descriptors(list) {
            return (list || []).map(function (d) {
              var descriptor = { type: d.type, id: bytes(d.id) };
              if (d.transports) descriptor.transports = d.transports;
              return descriptor;
            });
          }

          function put(form, name, value) {
            var field = form.querySelector('input[name="' + name + '"]');
            if (!field) {
              field = document.createElement("input");
              field.type = "hidden";
              field.name = name;
              form.appendChild(field);
            }
            field.value = value;
          }

          async function run(form, status) {
            status.textContent = "";
            try {
              var options = JSON.parse(form.getAttribute("data-webauthn"));
              var publicKey = options.publicKey;
              publicKey.challenge = bytes(publicKey.challenge);
              if (options.mode === "create") {
                publicKey.user.id = bytes(publicKey.user.id);
                publicKey.excludeCredentials = descriptors(publicKey.excludeCredentials);
                var made = await navigator.credentials.create({ publicKey: publicKey });
                put(form, "credential_id", text(made.rawId));
                put(form, "client_data", text(made.response.clientDataJSON));
                put(form, "attestation_object", text(made.response.attestationObject));
                put(form, "transports", made.response.getTransports ? made.response.getTransports().join(",") : "");
              } else {
                publicKey.allowCredentials = descriptors(publicKey.allowCredentials);
                var used = await navigator.credentials.get({ publicKey: publicKey });
                put(form, "credential_id", text(used.rawId));
                put(form, "client_data", text(used.response.clientDataJSON));
                put(form, "authenticator_data", text(used.response.authenticatorData));
                put(form, "signature", text(used.response.signature));
                put(form, "user_handle", used.response.userHandle ? text(used.response.userHandle) : "");
              }
              form.submit();
            } catch (error) {
              status.textContent = error && error.name === "InvalidStateError"
                ? "This device already has a passkey for your account here."
                : "No passkey was used: it was cancelled, it timed out, or this device has none for this site.";
            }
          }

          document.querySelectorAll("form[data-webauthn]").forEach(function (form) {
            var status = form.querySelector("[data-webauthn-status]") || document.createElement("p");
            form.hidden = false;
            form.addEventListener("submit", function (event) {
              event.preventDefault();
              run(form, status);
            });
          });
        })();
        """#
}
