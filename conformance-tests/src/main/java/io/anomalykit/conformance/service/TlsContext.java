package io.anomalykit.conformance.service;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * The TLS context a target is spoken to with, from PEM files as Elasticsearch writes them: the CA that signed the
 * target's certificate ({@code http_ca.crt}), a client certificate and its PKCS#8 key, or no verification at all.
 */
final class TlsContext {

    private TlsContext() {
    }

    /**
     * @param ca          PEM certificates to trust instead of the JDK's, or null for the JDK's
     * @param clientCert  PEM certificate chain to present, or null
     * @param clientKey   its unencrypted PKCS#8 PEM key, or null
     * @param insecure    trust any certificate for any host name
     * @throws IllegalArgumentException when a file cannot be read or holds no usable certificate or key
     */
    static SSLContext create(Path ca, Path clientCert, Path clientKey, boolean insecure) {
        try {
            TrustManager[] trust = insecure ? new TrustManager[] {new TrustingAnything()} : ca == null ? null
                    : trustManagers(ca);
            KeyManagerFactory keys = null;
            if (clientCert != null) {
                keys = keyManagers(clientCert, clientKey);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static TrustManager[] trustManagers(Path ca) throws GeneralSecurityException {
        List<? extends Certificate> certificates = certificates(ca, "--ca-cert");
        KeyStore store = emptyStore();
        for (int i = 0; i < certificates.size(); i++) {
            store.setCertificateEntry("ca-" + i, certificates.get(i));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory.getTrustManagers();
    }

    private static KeyManagerFactory keyManagers(Path clientCert, Path clientKey) throws GeneralSecurityException {
        List<? extends Certificate> chain = certificates(clientCert, "--client-cert");
        KeyStore store = emptyStore();
        store.setKeyEntry("client", privateKey(clientKey), new char[0], chain.toArray(new Certificate[0]));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, new char[0]);
        return factory;
    }

    private static List<? extends Certificate> certificates(Path pem, String flag) throws GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            List<? extends Certificate> certificates = List.copyOf(CertificateFactory.getInstance("X.509")
                    .generateCertificates(in));
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException(flag + " " + pem + " holds no PEM certificate");
            }
            return certificates;
        } catch (IOException e) {
            throw new IllegalArgumentException(flag + ": cannot read " + pem + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(Path pem) throws GeneralSecurityException {
        String text;
        try {
            text = Files.readString(pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("--client-key: cannot read " + pem + ": " + e.getMessage(), e);
        }
        String begin = "-----BEGIN PRIVATE KEY-----";
        int start = text.indexOf(begin);
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("--client-key " + pem + " is not an unencrypted PKCS#8 PEM key (BEGIN PRIVATE KEY);"
                    + " convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8.pem");
        }
        byte[] der = Base64.getMimeDecoder().decode(text.substring(start + begin.length(), end));
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException e) {
                // not this algorithm: try the next
            }
        }
        throw new IllegalArgumentException("--client-key " + pem + " is neither an RSA, an EC nor an Ed25519 key");
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create an empty key store", e);
        }
        return store;
    }

    /**
     * Accepts every certificate. As an extended trust manager it also stands in for the host name check, which it
     * skips: that is what {@code --insecure} asks for.
     */
    private static final class TrustingAnything extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
