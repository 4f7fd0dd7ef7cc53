package dev.sluice.guardrails;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * Finds every occurrence of a fixed set of literals in one pass over a text (an Aho-Corasick
 * automaton with its transitions precomputed), ignoring the case of ASCII letters the way
 * {@link FoldedText} folds them. A few nanoseconds per character whatever the number of
 * literals: {@link PromptInjection} used to call {@code String.contains} once per literal, about
 * a hundred passes over the text.
 *
 * <p>Immutable and thread-safe once built.
 */
final class AnchorScan {

  /** Receives each occurrence: the literal's index in the list given and where it starts. */
  interface Hits {
    /** Returns false to stop the scan. */
    boolean at(int literal, int start);
  }

  private final int[] asciiClass = new int[128];
  private final char[] otherChars;
  private final int[] otherClasses;
  private final int width;
  private final int[] rows;
  private final int[][] outputs;
  private final int[] lengths;

  /** @param literals lower-case literals (folded as {@link FoldedText#fold(char)} leaves them) */
  AnchorScan(List<String> literals) {
    TreeSet<Character> alphabet = new TreeSet<>();
    for (String l : literals) {
      if (l.isEmpty() || !FoldedText.isFolded(l)) {
        throw new IllegalArgumentException("a literal must be non-empty and folded: '" + l + "'");
      }
      for (char c : l.toCharArray()) {
        alphabet.add(c);
      }
    }
    StringBuilder others = new StringBuilder();
    List<Integer> otherClassList = new ArrayList<>();
    int cls = 1;
    for (char c : alphabet) { // ascending, so otherChars is sorted for the binary search
      if (c < 128) {
        asciiClass[c] = cls;
        if (c >= 'a' && c <= 'z') {
          asciiClass[c - 32] = cls;
        }
      } else {
        others.append(c);
        otherClassList.add(cls);
      }
      cls++;
    }
    width = cls;
    otherChars = others.toString().toCharArray();
    otherClasses = otherClassList.stream().mapToInt(Integer::intValue).toArray();
    lengths = literals.stream().mapToInt(String::length).toArray();

    // The trie.
    List<int[]> children = new ArrayList<>();
    List<List<Integer>> ends = new ArrayList<>();
    children.add(new int[width]);
    ends.add(new ArrayList<>());
    for (int id = 0; id < literals.size(); id++) {
      int s = 0;
      for (char c : literals.get(id).toCharArray()) {
        int k = classOf(c);
        if (children.get(s)[k] == 0) {
          children.add(new int[width]);
          ends.add(new ArrayList<>());
          children.get(s)[k] = children.size() - 1;
        }
        s = children.get(s)[k];
      }
      ends.get(s).add(id);
    }
    // Failure links, breadth first, folded into a full transition table.
    int states = children.size();
    int[] next = new int[states * width];
    int[] fail = new int[states];
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    for (int k = 1; k < width; k++) {
      int child = children.get(0)[k];
      next[k] = child;
      if (child != 0) {
        queue.add(child);
      }
    }
    while (!queue.isEmpty()) {
      int s = queue.poll();
      ends.get(s).addAll(ends.get(fail[s]));
      for (int k = 1; k < width; k++) {
        int child = children.get(s)[k];
        if (child != 0) {
          fail[child] = next[fail[s] * width + k];
          next[s * width + k] = child;
          queue.add(child);
        } else {
          next[s * width + k] = next[fail[s] * width + k];
        }
      }
    }
    outputs = new int[states][];
    for (int s = 0; s < states; s++) {
      outputs[s] = ends.get(s).isEmpty() ? null : ends.get(s).stream().mapToInt(Integer::intValue).toArray();
    }
    // The table the scan walks: each entry is the next state's row offset, negative when a literal
    // ends there, so a step is one load and no multiplication.
    rows = new int[states * width];
    for (int i = 0; i < rows.length; i++) {
      int target = next[i];
      rows[i] = outputs[target] == null ? target * width : ~(target * width);
    }
  }

  private int classOf(char c) {
    if (c < 128) {
      return asciiClass[c];
    }
    if (c == FoldedText.KELVIN) {
      return asciiClass['k'];
    }
    int i = Arrays.binarySearch(otherChars, c);
    return i >= 0 ? otherClasses[i] : 0;
  }

  /** Reports every occurrence in {@code text}, in the order they end, until {@code hits} says stop. */
  void scan(String text, Hits hits) {
    int state = 0;
    int n = text.length();
    // Read in chunks copied to an array: a loop over a char[] compiles to far less than charAt's
    // per-call checks of the string's coder and bounds.
    char[] chunk = new char[Math.min(n, CHUNK)];
    int[] rows = this.rows;
    int[] asciiClass = this.asciiClass;
    for (int from = 0; from < n; from += CHUNK) {
      int to = Math.min(n, from + CHUNK);
      text.getChars(from, to, chunk, 0);
      for (int j = 0, m = to - from; j < m; j++) {
        char c = chunk[j];
        int k = c < 128 ? asciiClass[c] : classOf(c);
        int row = rows[state + k]; // class 0, a character in no literal, leads back to the root
        if (row >= 0) {
          state = row;
        } else {
          state = ~row;
          int i = from + j;
          for (int id : outputs[state / width]) {
            if (!hits.at(id, i - lengths[id] + 1)) {
              return;
            }
          }
        }
      }
    }
  }

  private static final int CHUNK = 2048;
}
