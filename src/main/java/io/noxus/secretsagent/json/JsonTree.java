package io.noxus.secretsagent.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON trees read and written with Jackson's streaming parser and generator and its node factory, without an
 * {@code ObjectMapper}: the first mapper costs a one-shot render about 15 % of its CPU (its static set-up reads the
 * time-zone database and the JDK's CLDR calendar data through databind's {@code StdDateFormat}; docs/benchmarks.md,
 * "Levers of goal 2, third round"), and the render's own JSON (the config tree, Vault's answers, the state files) needs
 * none of what a mapper adds. The trees are the ones {@code ObjectMapper.readTree} builds (same node types for
 * numbers, last key wins) and the bytes the ones it writes (the default pretty printer, or none); JsonTreeTest checks
 * both against a mapper.
 */
public final class JsonTree {
    private static final JsonFactory JSON = new JsonFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonTree() {
    }

    /** A new empty object node. */
    public static ObjectNode object() {
        return NODES.objectNode();
    }

    /** The tree of a JSON text; a {@link MissingNode} when there is no content at all. */
    public static JsonNode read(byte[] json) throws IOException {
        try (JsonParser parser = JSON.createParser(json)) {
            JsonNode tree = read(parser);
            return tree == null ? MissingNode.getInstance() : tree;
        }
    }

    /**
     * The tree of the next value the parser gives (the parser may be of any format, such as YAML), or null at the end
     * of the content. Leaves the parser on the value's last token.
     */
    public static JsonNode read(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken() == null ? parser.nextToken() : parser.currentToken();
        return token == null ? null : value(parser, token);
    }

    private static JsonNode value(JsonParser p, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT: {
                ObjectNode object = NODES.objectNode();
                for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                    String name = p.currentName();
                    object.replace(name, value(p, p.nextToken()));
                }
                return object;
            }
            case START_ARRAY: {
                ArrayNode array = NODES.arrayNode();
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    array.add(value(p, t));
                }
                return array;
            }
            case VALUE_STRING:
                return NODES.textNode(p.getText());
            case VALUE_NUMBER_INT:
                switch (p.getNumberType()) {
                    case INT:
                        return NODES.numberNode(p.getIntValue());
                    case LONG:
                        return NODES.numberNode(p.getLongValue());
                    default:
                        return NODES.numberNode(p.getBigIntegerValue());
                }
            case VALUE_NUMBER_FLOAT:
                switch (p.getNumberType()) {
                    case BIG_DECIMAL:
                        return NODES.numberNode(p.getDecimalValue());
                    case FLOAT:
                        return NODES.numberNode(p.getFloatValue());
                    default:
                        return NODES.numberNode(p.getDoubleValue());
                }
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            case VALUE_EMBEDDED_OBJECT: {
                Object embedded = p.getEmbeddedObject();
                return embedded instanceof byte[] bytes ? NODES.binaryNode(bytes) : NODES.pojoNode(embedded);
            }
            default:
                throw new IOException("unexpected token " + token);
        }
    }

    /** Compact JSON text: what {@code JsonNode.toString()} gives, which would set up an ObjectMapper. */
    public static String text(JsonNode tree) {
        // A character generator, as toString() uses: the UTF-8 one writes a character beyond the BMP as an escaped
        // surrogate pair.
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            write(g, tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Compact UTF-8 JSON. */
    public static byte[] bytes(JsonNode tree) {
        return write(tree, false);
    }

    /** Indented UTF-8 JSON, as a mapper with {@code INDENT_OUTPUT} writes it. */
    public static byte[] prettyBytes(JsonNode tree) {
        return write(tree, true);
    }

    private static byte[] write(JsonNode tree, boolean pretty) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            if (pretty) {
                g.useDefaultPrettyPrinter();
            }
            write(g, tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator g, JsonNode node) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT:
                g.writeStartObject();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    g.writeFieldName(field.getKey());
                    write(g, field.getValue());
                }
                g.writeEndObject();
                break;
            case ARRAY:
                g.writeStartArray();
                for (JsonNode element : node) {
                    write(g, element);
                }
                g.writeEndArray();
                break;
            case STRING:
                g.writeString(node.textValue());
                break;
            case NUMBER:
                if (node.isInt()) {
                    g.writeNumber(node.intValue());
                } else if (node.isLong()) {
                    g.writeNumber(node.longValue());
                } else if (node.isBigInteger()) {
                    g.writeNumber(node.bigIntegerValue());
                } else if (node.isBigDecimal()) {
                    g.writeNumber(node.decimalValue());
                } else if (node.isFloat()) {
                    g.writeNumber(node.floatValue());
                } else {
                    g.writeNumber(node.doubleValue());
                }
                break;
            case BOOLEAN:
                g.writeBoolean(node.booleanValue());
                break;
            case NULL:
                g.writeNull();
                break;
            default:
                throw new IllegalArgumentException("cannot write a " + node.getNodeType() + " node as JSON");
        }
    }
}
