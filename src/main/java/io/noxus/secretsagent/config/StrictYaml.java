package io.noxus.secretsagent.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactoryBuilder;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.noxus.secretsagent.json.JsonTree;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;

/**
 * The YAML reader for config and secrets files. A file is one plain YAML document of at most {@link #MAX_FILE_MIB}
 * MiB, in lines of at most {@link #MAX_LINE_KIB} KiB, nested at most {@link #MAX_DEPTH} levels deep. A key given
 * twice, an anchor or alias ({@code &name}, {@code *name}: a secrets file is data, not a template, and Jackson would
 * hand over an alias's name as its value) and a second document ({@code ---}) are errors. The checks read SnakeYAML's
 * events (Jackson does not expose anchors on scalars) as Jackson's YAML parser pulls them to build the tree: the text
 * is scanned once, and the first problem in the file is the one reported. Problems
 * never quote the source text (a secrets file's content must not end up in a message); they give the line and
 * column, and the key path where one is known.
 */
public final class StrictYaml {
    /** The largest file read, in MiB (bytes, so also code points and characters of any single value). */
    public static final int MAX_FILE_MIB = 64;
    /** How deep mappings and lists may nest; a config needs six levels, a secrets file two. */
    public static final int MAX_DEPTH = 64;
    /** The longest line read, in KiB; a longer value is written over several lines (see {@link #checkLines}). */
    public static final int MAX_LINE_KIB = 128;
    private static final int MAX_FILE_BYTES = MAX_FILE_MIB * 1024 * 1024;
    private static final int MAX_LINE_BYTES = MAX_LINE_KIB * 1024;

    /* A parser factory, not a YAMLMapper: the tree is built by JsonTree, so that no ObjectMapper is set up on the
       one-shot path (docs/benchmarks.md, "Levers of goal 2, third round"). */
    private static final YAMLFactory FACTORY = new CheckingFactory(YAMLFactory.builder()
            .loaderOptions(loaderOptions())
            // Checks refuses depth over MAX_DEPTH first; the parser's own limit is a backstop.
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH + 1)
                    .maxStringLength(MAX_FILE_BYTES).maxNameLength(MAX_FILE_BYTES).build())
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION));

    private StrictYaml() {
    }

    /** Why a file is not one plain YAML document: no source text, a key path ("" at the top or when unknown). */
    public static final class Problem extends Exception {
        private static final long serialVersionUID = 1L;
        private final String keyPath;

        Problem(String keyPath, String problem) {
            super(problem, null, false, false);
            this.keyPath = keyPath;
        }

        public String keyPath() {
            return keyPath;
        }

        /** {@code key.path: problem}, or the problem alone when there is no key path. */
        public String located() {
            return keyPath.isEmpty() ? getMessage() : keyPath + ": " + getMessage();
        }
    }

    /**
     * Reads {@code file} into a tree (null for an empty file), after checking it is one plain document within the
     * limits. The bytes are read once, so what was checked is what is parsed.
     */
    public static JsonNode read(Path file) throws Problem, IOException {
        byte[] bytes = readBounded(file);
        checkLines(bytes);
        try (JsonParser parser = FACTORY.createParser(bytes)) {
            JsonNode tree = JsonTree.read(parser);
            while (parser.nextToken() != null) {
                // The rest of the stream: a second document (or an anchor in it) is refused by Checks.
            }
            return tree;
        } catch (Refused e) {
            throw e.problem;
        } catch (StreamConstraintsException e) {
            // Content-free: the message names the limit and the size found, e.g. a number of over 1000 digits.
            throw new Problem("", "beyond a limit of the YAML reader" + near(e.getLocation()) + " ("
                    + e.getOriginalMessage() + ")");
        } catch (JsonProcessingException e) {
            throw new Problem("", "not valid YAML" + near(e.getLocation()) + " (" + problemOf(e) + ")");
        }
    }

    private static byte[] readBounded(Path file) throws Problem, IOException {
        if (Files.isRegularFile(file) && Files.size(file) > MAX_FILE_BYTES) {
            throw tooLarge();
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                throw tooLarge();
            }
            return bytes;
        }
    }

    private static Problem tooLarge() {
        return new Problem("", "the file is larger than " + MAX_FILE_MIB + " MiB, the most the agent reads; "
                + "split it into smaller files");
    }

    /**
     * A parser reads one token by copying what is left of its window for every 1024 characters, so a single token
     * costs time growing with the square of its length; a bounded line bounds that.
     */
    private static void checkLines(byte[] bytes) throws Problem {
        int line = 1;
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\n' || bytes[i] == '\r') {
                if (i - start > MAX_LINE_BYTES) {
                    throw new Problem("", "line " + line + " is longer than " + MAX_LINE_KIB + " KiB, the longest "
                            + "the agent reads; split a long value over several lines inside double quotes, ending "
                            + "each line but the last with a backslash");
                }
                line += i < bytes.length && bytes[i] == '\r' && i + 1 < bytes.length && bytes[i + 1] == '\n' ? 0 : 1;
                start = i + 1;
            }
        }
    }

    /** A problem found by {@link Checks} while Jackson reads: an IOException, so it passes through Jackson. */
    private static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;
        private final transient Problem problem;

        Refused(Problem problem) {
            super(problem.getMessage(), null);
            this.problem = problem;
        }
    }

    /** Makes Jackson's YAML parsers {@link CheckedParser}s, for byte input (all {@link #read} gives it). */
    private static final class CheckingFactory extends YAMLFactory {
        private static final long serialVersionUID = 1L;

        CheckingFactory(YAMLFactoryBuilder builder) {
            super(builder);
        }

        @Override
        protected YAMLParser _createParser(byte[] data, int offset, int len, IOContext ctxt) throws IOException {
            return new CheckedParser(ctxt, _parserFeatures, _yamlParserFeatures, _loaderOptions, _objectCodec,
                    _createReader(data, offset, len, null, ctxt));
        }
    }

    /** Jackson's YAML parser with every SnakeYAML event it pulls going through {@link Checks} first. */
    private static final class CheckedParser extends YAMLParser {
        private final Checks checks = new Checks();

        CheckedParser(IOContext ctxt, int parserFeatures, int formatFeatures, LoaderOptions options, ObjectCodec codec,
                Reader reader) {
            super(ctxt, parserFeatures, formatFeatures, options, codec, reader);
        }

        @Override
        protected Event getEvent() throws IOException {
            Event event;
            try {
                event = _yamlParser.getEvent();
            } catch (MarkedYAMLException e) {
                throw new Refused(new Problem("", "not valid YAML" + near(e.getProblemMark()) + " (syntax error)"));
            } catch (YAMLException e) {
                throw new Refused(new Problem("", "not valid YAML (syntax error)"));
            }
            checks.accept(event);
            return event;
        }
    }

    /** Follows the parser's events: anchors, aliases, depth and a second document, with the key path of each. */
    private static final class Checks {
        private final Deque<Frame> stack = new ArrayDeque<>();
        private int documents;

        void accept(Event event) throws Refused {
            if (event.is(Event.ID.DocumentStart) && ++documents > 1) {
                throw new Refused(new Problem("", "a second YAML document starts" + near(event.getStartMark())
                        + "; a file holds one document: remove the '---' and merge the two, or use two files"));
            }
            if (event.is(Event.ID.Alias)) {
                throw new Refused(anchorOrAlias(stack, "alias *" + ((NodeEvent) event).getAnchor(), event));
            }
            if (event instanceof NodeEvent node && node.getAnchor() != null) {
                throw new Refused(anchorOrAlias(stack, "anchor &" + node.getAnchor(), event));
            }
            if (event.is(Event.ID.MappingStart) || event.is(Event.ID.SequenceStart)) {
                stack.push(new Frame(event.is(Event.ID.MappingStart)));
                if (stack.size() > MAX_DEPTH) {
                    throw new Refused(new Problem("", "nested deeper than " + MAX_DEPTH + " levels"
                            + near(event.getStartMark()) + ", the most the agent reads; flatten it"));
                }
            } else if (event.is(Event.ID.MappingEnd) || event.is(Event.ID.SequenceEnd)) {
                stack.pop();
                Frame.nodeDone(stack.peek());
            } else if (event instanceof ScalarEvent scalar) {
                Frame top = stack.peek();
                if (top != null && top.mapping && top.atKey) {
                    top.key = scalar.getValue();
                    top.atKey = false;
                } else {
                    Frame.nodeDone(top);
                }
            }
        }
    }

    /** Where the parser is inside one mapping or list: the key or index of the node being read. */
    private static final class Frame {
        final boolean mapping;
        boolean atKey = true;
        String key;
        int index;

        Frame(boolean mapping) {
            this.mapping = mapping;
        }

        static void nodeDone(Frame frame) {
            if (frame == null) {
                return;
            }
            if (frame.mapping) {
                frame.atKey = true;
            } else {
                frame.index++;
            }
        }
    }

    private static Problem anchorOrAlias(Deque<Frame> stack, String what, Event event) {
        return new Problem(keyPath(stack), "YAML " + what + near(event.getStartMark())
                + ": anchors and aliases are not supported; write the value out in full");
    }

    /** The key path of the node being read, in the config's notation: {@code services.api.output}, {@code files[0]}. */
    private static String keyPath(Deque<Frame> stack) {
        StringBuilder path = new StringBuilder();
        for (Iterator<Frame> it = stack.descendingIterator(); it.hasNext(); ) {
            Frame frame = it.next();
            if (!frame.mapping) {
                path.append('[').append(frame.index).append(']');
            } else if (!frame.atKey) {
                path.append(path.length() == 0 ? "" : ".").append(frame.key);
            }
        }
        return path.toString();
    }

    private static String near(Mark mark) {
        return mark == null ? "" : " near line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
    }

    private static String near(JsonLocation where) {
        return where == null || where.getLineNr() <= 0 ? ""
                : " near line " + where.getLineNr() + ", column " + where.getColumnNr();
    }

    /** Jackson's own message can quote the offending text; keep only a few known, content-free phrases. */
    private static String problemOf(JsonProcessingException e) {
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        return original.startsWith("Duplicate field") ? "a key appears twice" : "syntax error";
    }

    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_FILE_BYTES + 1); // the byte bound above is the one that speaks
        options.setNestingDepthLimit(MAX_DEPTH + 1);
        options.setMaxAliasesForCollections(0);
        return options;
    }
}
