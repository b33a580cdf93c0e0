// The app's keyboard shortcuts in one table: the overlay that "?" opens and the Help view list it.
// The handlers live with their views (HeatmapGrid, RowCompare, annotate/EditorPage, data/ThumbnailGrid,
// data/DatasetPage, components/FileBrowser); a key added there is added here.
import { toolInfo, tools } from './annotate/tools.js';

export interface Shortcut {
  /** Alternatives, each a key or a chord as written on the keyboard ("Ctrl+Z"). */
  keys: string[];
  action: string;
}

export interface ShortcutGroup {
  id: string;
  title: string;
  /** Where the keys work. */
  where: string;
  shortcuts: Shortcut[];
}

export const shortcutGroups: readonly ShortcutGroup[] = [
  {
    id: 'everywhere',
    title: 'Everywhere',
    where: 'when the focus is not in a text field',
    shortcuts: [
      { keys: ['?'], action: 'Show these keyboard shortcuts' },
      { keys: ['Esc'], action: 'Close a dialog, this list or a term’s explanation' },
      { keys: ['Tab', 'Shift+Tab'], action: 'Move between controls; an underlined term shows its explanation when focused' },
    ],
  },
  {
    id: 'explain-grid',
    title: 'Explain: heatmap grid',
    where: 'when the grid has the focus',
    shortcuts: [
      { keys: ['←', '→', '↑', '↓'], action: 'Move between cells' },
      { keys: ['Home', 'End'], action: 'First or last cell of the row' },
      { keys: ['Enter', 'Space'], action: 'Compare the image’s methods large' },
    ],
  },
  {
    id: 'explain-compare',
    title: 'Explain: comparison of one image',
    where: 'in the comparison dialog',
    shortcuts: [
      { keys: ['+', '='], action: 'Zoom in (every panel together)' },
      { keys: ['−'], action: 'Zoom out' },
      { keys: ['0'], action: 'Reset the zoom' },
      { keys: ['Wheel'], action: 'Zoom about the pointer' },
      { keys: ['Drag'], action: 'Pan' },
      { keys: ['Esc'], action: 'Close the comparison' },
    ],
  },
  {
    id: 'annotate',
    title: 'Annotate: editor',
    where: 'while a set is open, outside text fields',
    shortcuts: [
      ...tools.map((t) => ({ keys: [toolInfo[t].key], action: `${toolInfo[t].label} tool` })),
      { keys: ['1', '…', '9'], action: 'Choose the region label with that number' },
      { keys: ['[', ']'], action: 'Smaller or larger brush' },
      { keys: ['Ctrl+Z'], action: 'Undo' },
      { keys: ['Ctrl+Shift+Z', 'Ctrl+Y'], action: 'Redo' },
      { keys: ['←', 'Page Up'], action: 'Previous image' },
      { keys: ['→', 'Page Down'], action: 'Next image' },
      { keys: ['+', '='], action: 'Zoom in' },
      { keys: ['−'], action: 'Zoom out' },
      { keys: ['0'], action: 'Fit the image' },
      { keys: ['Space+Drag', 'Middle button'], action: 'Pan' },
      { keys: ['Wheel'], action: 'Zoom about the pointer' },
      { keys: ['Enter'], action: 'Close the polygon being drawn' },
      { keys: ['Esc'], action: 'Cancel the polygon being drawn' },
    ],
  },
  {
    id: 'data-images',
    title: 'Data: a dataset’s images',
    where: 'when the thumbnails have the focus',
    shortcuts: [
      { keys: ['←', '→', '↑', '↓'], action: 'Move the selection' },
      { keys: ['Page Up', 'Page Down'], action: 'A screenful up or down' },
      { keys: ['Home', 'End'], action: 'First or last image' },
      { keys: ['Esc'], action: 'Close the image’s details' },
    ],
  },
  {
    id: 'folder-picker',
    title: 'Folder picker',
    where: 'when the list of files has the focus',
    shortcuts: [
      { keys: ['↑', '↓'], action: 'Move between entries' },
      { keys: ['Page Up', 'Page Down'], action: 'Ten entries up or down' },
      { keys: ['Home', 'End'], action: 'First or last entry' },
      { keys: ['Enter'], action: 'Open the folder or choose the file' },
      { keys: ['Backspace'], action: 'Up to the parent folder' },
      { keys: ['A', '…', 'Z'], action: 'Next entry starting with that letter' },
    ],
  },
];

/** Whether a key typed at this target is text (an input that takes characters, a text area, a select, editable content). */
export function isTextEntry(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.matches('input:not([type=checkbox]):not([type=radio]):not([type=range]):not([type=button]):not([type=submit]):not([type=reset]):not([type=file]):not([type=color]), textarea, select') ||
      target.isContentEditable)
  );
}

/** Whether a key press asks for the shortcuts overlay: "?" outside text fields and open dialogs, no modifier but Shift. */
export function opensShortcuts(event: KeyboardEvent): boolean {
  return event.key === '?' && !event.ctrlKey && !event.metaKey && !event.altKey && !event.defaultPrevented && !isTextEntry(event.target) && document.querySelector('dialog[open]') === null;
}
