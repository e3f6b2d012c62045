package fr.liaison.routes.envelope;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A DER encoding as a tree of tag-length-value nodes that can be changed in one place and written
 * out again with every enclosing length corrected: the change reaches the parser field by field
 * instead of breaking the outermost length. OCTET STRINGs that hold exactly one DER SEQUENCE
 * (attribute values, certificate extensions) are opened as well.
 */
final class DerTree {

    private static final int OCTET_STRING = 0x04;
    private static final int SEQUENCE = 0x30;

    /** One node; {@code children} is null for a primitive node, whose bytes are {@code value}. */
    static final class Node {
        byte[] tag;
        byte[] value;
        List<Node> children;

        Node(byte[] tag, byte[] value, List<Node> children) {
            this.tag = tag;
            this.value = value;
            this.children = children;
        }

        Node copy() {
            List<Node> copied = null;
            if (children != null) {
                copied = new ArrayList<>();
                for (Node child : children) {
                    copied.add(child.copy());
                }
            }
            return new Node(tag.clone(), value == null ? null : value.clone(), copied);
        }

        byte[] encode() {
            byte[] content = content();
            ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 8);
            out.writeBytes(tag);
            writeLength(out, content.length);
            out.writeBytes(content);
            return out.toByteArray();
        }

        /** The bytes a primitive node holds, or its children encoded one after the other. */
        byte[] content() {
            if (children == null) {
                return value;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (Node child : children) {
                out.writeBytes(child.encode());
            }
            return out.toByteArray();
        }
    }

    private DerTree() {
    }

    /** Parses one DER element that spans the whole array. */
    static Node parse(byte[] der) {
        Reader reader = new Reader(der, 0, der.length);
        Node root = reader.next();
        if (reader.position != der.length) {
            throw new IllegalArgumentException("trailing bytes after the DER element");
        }
        return root;
    }

    /** Every node, parents before their children, in encoding order. */
    static List<Node> nodes(Node root) {
        List<Node> all = new ArrayList<>();
        collect(root, all);
        return all;
    }

    /** The node whose children list holds {@code child}, or null for the root. */
    static Node parentOf(Node root, Node child) {
        for (Node node : nodes(root)) {
            if (node.children != null && node.children.stream().anyMatch(c -> c == child)) {
                return node;
            }
        }
        return null;
    }

    private static void collect(Node node, List<Node> all) {
        all.add(node);
        if (node.children != null) {
            for (Node child : node.children) {
                collect(child, all);
            }
        }
    }

    private static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
            return;
        }
        int bytes = 4 - Integer.numberOfLeadingZeros(length) / 8;
        out.write(0x80 | bytes);
        for (int i = bytes - 1; i >= 0; i--) {
            out.write(length >>> (8 * i));
        }
    }

    private static final class Reader {
        private final byte[] der;
        private final int end;
        private int position;

        Reader(byte[] der, int start, int end) {
            this.der = der;
            this.position = start;
            this.end = end;
        }

        Node next() {
            int tagStart = position;
            int first = read();
            if ((first & 0x1F) == 0x1F) {
                while ((read() & 0x80) != 0) {
                    // high-tag-number form: base-128 digits until one without the continuation bit
                }
            }
            byte[] tag = Arrays.copyOfRange(der, tagStart, position);
            int length = read();
            if (length == 0x80) {
                throw new IllegalArgumentException("indefinite length is not DER");
            }
            if (length > 0x80) {
                int count = length & 0x7F;
                if (count > 3) {
                    throw new IllegalArgumentException("length too large");
                }
                length = 0;
                for (int i = 0; i < count; i++) {
                    length = (length << 8) | read();
                }
            }
            if (length > end - position) {
                throw new IllegalArgumentException("length beyond the end");
            }
            int contentStart = position;
            position += length;
            byte[] content = Arrays.copyOfRange(der, contentStart, position);
            if ((first & 0x20) != 0) {
                return new Node(tag, null, children(content));
            }
            if (first == OCTET_STRING && content.length > 1 && (content[0] & 0xFF) == SEQUENCE) {
                try {
                    Node inner = parse(content);
                    return new Node(tag, null, new ArrayList<>(List.of(inner)));
                } catch (IllegalArgumentException notDer) {
                    // an ordinary OCTET STRING that happens to start like a SEQUENCE
                }
            }
            return new Node(tag, content, null);
        }

        private List<Node> children(byte[] content) {
            Reader inner = new Reader(content, 0, content.length);
            List<Node> children = new ArrayList<>();
            while (inner.position < content.length) {
                children.add(inner.next());
            }
            return children;
        }

        private int read() {
            if (position >= end) {
                throw new IllegalArgumentException("truncated");
            }
            return der[position++] & 0xFF;
        }
    }
}
