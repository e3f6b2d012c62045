package fr.liaison.routes.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.keys.ParticipantKeys;
import fr.liaison.routes.testing.DevNetwork;
import fr.liaison.schemas.error.LiaisonException;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;

/**
 * Valid envelopes with one field changed: a DER node of either layer, the AuthEnvelopedData as
 * sent or the SignedData inside it (then encrypted again, so the change gets past the GCM check
 * and reaches the signature check and certificate parsing). The opener must refuse with a code of
 * the envelope or signature families or open to exactly the content and sender that were sealed.
 */
class EnvelopeFieldFuzzTest {

    /** One valid exchange, its two layers kept apart. */
    private record Sealed(String senderId, byte[] content, EnvelopeSealer sealer, X509Certificate recipientCertificate,
            EnvelopeOpener opener, byte[] envelope, byte[] signedData) {
    }

    private enum Change {
        REPLACE_CONTENT, FLIP_BIT, SET_BYTE, TRUNCATE, APPEND, CHANGE_TAG, DELETE, DUPLICATE, SWAP_WITH_NEXT,
        REPLACE_WITH_ANOTHER_NODE, EDGE_VALUE
    }

    /** Contents that trip up integer, length and string decoders. */
    private static final List<byte[]> EDGE_VALUES = List.of(new byte[0], new byte[] {0}, new byte[] {(byte) 0x80},
            new byte[] {(byte) 0xFF}, new byte[] {0, 0, 0, 1}, new byte[] {0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF},
            new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                    (byte) 0xFF},
            new byte[] {0x06, 0x03, 0x55, 0x04, 0x03}, new byte[] {0x05, 0x00});

    private static final List<Sealed> EXCHANGES = List.of(
            sealed("CCAS-29232", "FT-29", "referral.xml", "a consent proof".getBytes(StandardCharsets.US_ASCII)),
            sealed("FT-29", "TEST-RSA", "referral-response.xml", null),
            sealed("TEST-RSA", "FT-29", "follow-up-event.xml", null));

    @FuzzTest(maxDuration = "15s")
    void aChangedFieldIsRefusedOrOpensToTheSealedContent(FuzzedDataProvider data) throws Exception {
        Sealed sealed = data.pickValue(EXCHANGES);
        boolean innerLayer = data.consumeBoolean();
        DerTree.Node root = DerTree.parse(innerLayer ? sealed.signedData() : sealed.envelope());
        change(root, data);
        byte[] changed = root.encode();
        byte[] envelope = innerLayer ? sealed.sealer().encrypt(changed, sealed.recipientCertificate()) : changed;

        OpenedEnvelope opened;
        try {
            opened = sealed.opener().open(envelope);
        } catch (LiaisonException refusal) {
            assertThat(refusal.code()).isIn(OpenerRefusals.CODES);
            return;
        }
        assertThat(opened.content()).isEqualTo(sealed.content());
        assertThat(opened.sender().id()).isEqualTo(sealed.senderId());
    }

    private static void change(DerTree.Node root, FuzzedDataProvider data) {
        List<DerTree.Node> nodes = DerTree.nodes(root);
        DerTree.Node node = nodes.get(data.consumeInt(0, nodes.size() - 1));
        DerTree.Node parent = DerTree.parentOf(root, node);
        byte[] content = node.content();
        switch (data.pickValue(Change.values())) {
            case REPLACE_CONTENT -> setContent(node, data.consumeBytes(data.consumeInt(0, 64)));
            case FLIP_BIT -> {
                if (content.length > 0) {
                    byte[] flipped = content.clone();
                    flipped[data.consumeInt(0, content.length - 1)] ^= (byte) (1 << data.consumeInt(0, 7));
                    setContent(node, flipped);
                }
            }
            case SET_BYTE -> {
                if (content.length > 0) {
                    byte[] set = content.clone();
                    set[data.consumeInt(0, content.length - 1)] = data.consumeByte();
                    setContent(node, set);
                }
            }
            case TRUNCATE -> {
                if (content.length > 0) {
                    setContent(node, Arrays.copyOf(content, data.consumeInt(0, content.length - 1)));
                }
            }
            case APPEND -> {
                byte[] extra = data.consumeBytes(data.consumeInt(1, 16));
                byte[] longer = Arrays.copyOf(content, content.length + extra.length);
                System.arraycopy(extra, 0, longer, content.length, extra.length);
                setContent(node, longer);
            }
            case CHANGE_TAG -> node.tag = new byte[] {data.consumeByte()};
            case DELETE -> {
                if (parent != null) {
                    parent.children.remove(node);
                }
            }
            case DUPLICATE -> {
                if (parent != null) {
                    parent.children.add(parent.children.indexOf(node) + 1, node.copy());
                }
            }
            case SWAP_WITH_NEXT -> {
                if (parent != null) {
                    int index = parent.children.indexOf(node);
                    if (index + 1 < parent.children.size()) {
                        parent.children.set(index, parent.children.get(index + 1));
                        parent.children.set(index + 1, node);
                    }
                }
            }
            case REPLACE_WITH_ANOTHER_NODE -> {
                DerTree.Node other = nodes.get(data.consumeInt(0, nodes.size() - 1)).copy();
                node.tag = other.tag;
                node.value = other.value;
                node.children = other.children;
            }
            case EDGE_VALUE -> setContent(node, data.pickValue(EDGE_VALUES).clone());
        }
    }

    private static void setContent(DerTree.Node node, byte[] content) {
        node.children = null;
        node.value = content;
    }

    private static Sealed sealed(String senderId, String recipientId, String sample, byte[] consentProof) {
        Directory directory = DevNetwork.directory();
        ParticipantKeys sender = DevNetwork.keys(senderId);
        X509Certificate recipientCertificate = directory.require(recipientId).encryptionCertificate();
        byte[] content = EnvelopeSeeds.sample(sample);
        EnvelopeSealer sealer = new EnvelopeSealer(sender);
        try {
            return new Sealed(senderId, content, sealer, recipientCertificate,
                    new EnvelopeOpener(DevNetwork.keys(recipientId), directory),
                    sealer.seal(content, recipientCertificate, consentProof), sealer.sign(content));
        } catch (Exception e) {
            throw new IllegalStateException("cannot seal the envelopes to change", e);
        }
    }
}
