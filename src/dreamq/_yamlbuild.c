/* dreamq._yamlbuild: build dreamq's YAML values straight from libyaml's events.
 *
 * This is an optional accelerator for dreamq._yamlload.load_yaml, for the
 * common case: a well-formed file.  It reads the same libyaml event stream as
 * PyYAML's CParser, but builds dicts, lists and strings in C instead of
 * creating a Python event object (and two Mark objects) per event, which is
 * where most of the time of a cold load went.
 *
 * It only ever *accepts* what the pure-Python builder in _yamlload.py accepts,
 * and produces the same values: whenever a file holds anything unusual (a
 * syntax error, an anchor, an alias, a tag, a key that is not text, a
 * duplicate key, a second document, too deep, too many values) it raises
 * Unsupported and _yamlload runs the pure-Python builder, which reports the
 * problem with its usual message.  Plain scalars are resolved by the same
 * Python function the pure builder uses (YAML 1.1's implicit types).
 *
 * Positions are kept as Position objects that carry what the pure builder's
 * parser events carry and _yamlload.mark_of_event reads: start_mark.line,
 * start_mark.column (0-based), value (a scalar's source text) and style
 * ("" plain, "'", '"', "|", ">"; None for lists and mappings).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <yaml.h>

/* ---- Position ---------------------------------------------------------- */

typedef struct {
    PyObject_HEAD
    int line;
    int column;
    PyObject *value; /* a scalar's source text, or NULL (None) */
    PyObject *style; /* "", "'", '"', "|", ">" for scalars, or NULL (None) */
} Position;

static void
position_dealloc(Position *self)
{
    Py_XDECREF(self->value);
    Py_XDECREF(self->style);
    PyObject_Free(self);
}

static PyObject *
position_start_mark(Position *self, void *closure)
{
    (void)closure;
    Py_INCREF(self);
    return (PyObject *)self;
}

static PyObject *
position_repr(Position *self)
{
    return PyUnicode_FromFormat("Position(line=%d, column=%d)", self->line + 1, self->column + 1);
}

static PyMemberDef position_members[] = {
    {"line", T_INT, offsetof(Position, line), READONLY, "0-based line"},
    {"column", T_INT, offsetof(Position, column), READONLY, "0-based column"},
    {"value", T_OBJECT, offsetof(Position, value), READONLY, "a scalar's source text"},
    {"style", T_OBJECT, offsetof(Position, style), READONLY, "a scalar's style"},
    {NULL, 0, 0, 0, NULL},
};

static PyGetSetDef position_getset[] = {
    {"start_mark", (getter)position_start_mark, NULL, "where the value starts (itself)", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject PositionType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "dreamq._yamlbuild.Position",
    .tp_basicsize = sizeof(Position),
    .tp_dealloc = (destructor)position_dealloc,
    .tp_repr = (reprfunc)position_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Where a YAML value starts, and a scalar's source text and style.",
    .tp_members = position_members,
    .tp_getset = position_getset,
};

/* style strings, created once */
static PyObject *STYLE_PLAIN, *STYLE_SINGLE, *STYLE_DOUBLE, *STYLE_LITERAL, *STYLE_FOLDED;
static PyObject *Unsupported;

static PyObject *
new_position(const yaml_mark_t *mark, PyObject *value, PyObject *style)
{
    Position *pos = PyObject_New(Position, &PositionType);
    if (pos == NULL)
        return NULL;
    pos->line = (int)mark->line;
    pos->column = (int)mark->column;
    Py_XINCREF(value);
    pos->value = value;
    Py_XINCREF(style);
    pos->style = style;
    return (PyObject *)pos;
}

/* ---- the builder ------------------------------------------------------- */

typedef struct {
    PyObject *container; /* a YMap or YList */
    PyObject *events;    /* its .events list */
    PyObject *position;  /* where it starts */
    int is_map;
    PyObject *key;       /* maps: the key waiting for its value, or NULL */
    PyObject *key_position;
} Level;

static void
clear_level(Level *level)
{
    Py_CLEAR(level->container);
    Py_CLEAR(level->events);
    Py_CLEAR(level->position);
    Py_CLEAR(level->key);
    Py_CLEAR(level->key_position);
}

static PyObject *
unsupported(const char *why)
{
    PyErr_SetString(Unsupported, why);
    return NULL;
}

/* Add value (with its position) to the level being filled, or make it the
 * root.  Returns 0, or -1 with an exception set.  Steals nothing. */
static int
add_value(Level *level, PyObject *value, PyObject *position, PyObject **root)
{
    if (level == NULL) {
        Py_INCREF(value);
        *root = value;
        return 0;
    }
    if (!level->is_map) {
        if (PyList_Append(level->container, value) < 0)
            return -1;
        return PyList_Append(level->events, position);
    }
    if (PyDict_SetItem(level->container, level->key, value) < 0)
        return -1;
    if (PyList_Append(level->events, level->key_position) < 0)
        return -1;
    if (PyList_Append(level->events, position) < 0)
        return -1;
    Py_CLEAR(level->key);
    Py_CLEAR(level->key_position);
    return 0;
}

static PyObject *
build(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"data",     "resolve",   "cache",     "first_chars", "str_tag",
                               "ymap",     "ylist",     "max_depth", "max_nodes",   NULL};
    Py_buffer data;
    PyObject *resolve, *cache, *first_chars, *str_tag, *ymap, *ylist;
    Py_ssize_t max_depth, max_nodes;
    (void)module;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "y*OO!UUOOnn", keywords, &data, &resolve,
                                     &PyDict_Type, &cache, &first_chars, &str_tag, &ymap,
                                     &ylist, &max_depth, &max_nodes))
        return NULL;

    /* Which first characters can make a plain scalar something other than
     * text (YAML 1.1's implicit resolvers); all others are text at once. */
    unsigned char may_resolve[128] = {0};
    for (Py_ssize_t i = 0; i < PyUnicode_GET_LENGTH(first_chars); i++) {
        Py_UCS4 c = PyUnicode_READ_CHAR(first_chars, i);
        if (c < 128)
            may_resolve[c] = 1;
    }

    yaml_parser_t parser;
    yaml_event_t event;
    Level *stack = PyMem_Calloc((size_t)max_depth + 1, sizeof(Level));
    PyObject *root = NULL;
    int have_root = 0, depth = 0, documents = 0, done = 0, ok = 0;
    Py_ssize_t nodes = 0;
    if (stack == NULL) {
        PyBuffer_Release(&data);
        return PyErr_NoMemory();
    }
    if (!yaml_parser_initialize(&parser)) {
        PyMem_Free(stack);
        PyBuffer_Release(&data);
        return PyErr_NoMemory();
    }
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    yaml_parser_set_input_string(&parser, (const unsigned char *)data.buf, (size_t)data.len);

    while (!done) {
        if (!yaml_parser_parse(&parser, &event)) {
            unsupported("libyaml reported an error");
            goto finish;
        }
        Level *level = depth > 0 ? &stack[depth - 1] : NULL;
        int failed = 0;
        switch (event.type) {
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++documents > 1) {
                unsupported("more than one document");
                failed = 1;
            }
            break;
        case YAML_ALIAS_EVENT:
            unsupported("alias");
            failed = 1;
            break;
        case YAML_SCALAR_EVENT: {
            if (++nodes > max_nodes || event.data.scalar.anchor != NULL ||
                event.data.scalar.tag != NULL) {
                unsupported("too many values, an anchor or a tag");
                failed = 1;
                break;
            }
            PyObject *text = PyUnicode_DecodeUTF8((const char *)event.data.scalar.value,
                                                  (Py_ssize_t)event.data.scalar.length, "strict");
            if (text == NULL) {
                failed = 1;
                break;
            }
            PyObject *style, *value, *tag;
            int is_text;
            switch (event.data.scalar.style) {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = STYLE_SINGLE; break;
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = STYLE_DOUBLE; break;
            case YAML_LITERAL_SCALAR_STYLE: style = STYLE_LITERAL; break;
            case YAML_FOLDED_SCALAR_STYLE: style = STYLE_FOLDED; break;
            default: style = STYLE_PLAIN; break;
            }
            Py_ssize_t length = PyUnicode_GET_LENGTH(text);
            Py_UCS4 first = length ? PyUnicode_READ_CHAR(text, 0) : 0;
            if (style != STYLE_PLAIN || (length && (first >= 128 || !may_resolve[first]))) {
                value = text; /* always text */
                Py_INCREF(value);
                is_text = 1;
            } else {
                PyObject *hit = PyDict_GetItemWithError(cache, text); /* borrowed */
                if (hit == NULL) {
                    if (PyErr_Occurred()) {
                        Py_DECREF(text);
                        failed = 1;
                        break;
                    }
                    hit = PyObject_CallOneArg(resolve, text); /* new */
                    if (hit == NULL) {
                        Py_DECREF(text);
                        failed = 1;
                        break;
                    }
                    if (length <= 40 && PyDict_SetItem(cache, text, hit) < 0) {
                        Py_DECREF(hit);
                        Py_DECREF(text);
                        failed = 1;
                        break;
                    }
                } else {
                    Py_INCREF(hit);
                }
                if (!PyTuple_Check(hit) || PyTuple_GET_SIZE(hit) != 2) {
                    Py_DECREF(hit);
                    Py_DECREF(text);
                    PyErr_SetString(PyExc_TypeError, "resolve must return (value, tag)");
                    failed = 1;
                    break;
                }
                value = PyTuple_GET_ITEM(hit, 0);
                tag = PyTuple_GET_ITEM(hit, 1);
                Py_INCREF(value);
                is_text = tag == str_tag || PyUnicode_Compare(tag, str_tag) == 0;
                Py_DECREF(hit);
                if (PyErr_Occurred()) {
                    Py_DECREF(value);
                    Py_DECREF(text);
                    failed = 1;
                    break;
                }
            }
            PyObject *position = new_position(&event.start_mark, text, style);
            Py_DECREF(text);
            if (position == NULL) {
                Py_DECREF(value);
                failed = 1;
                break;
            }
            if (level != NULL && level->is_map && level->key == NULL) {
                /* a key: it must be text, and new in this mapping */
                int seen = is_text ? PyDict_Contains(level->container, value) : 1;
                if (seen != 0) {
                    Py_DECREF(value);
                    Py_DECREF(position);
                    if (seen > 0)
                        unsupported("a key that is not text, or a duplicate key");
                    failed = 1;
                    break;
                }
                level->key = value;
                level->key_position = position;
                break;
            }
            if (level == NULL)
                have_root = 1;
            failed = add_value(level, value, position, &root) < 0;
            Py_DECREF(value);
            Py_DECREF(position);
            break;
        }
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
            int is_map = event.type == YAML_MAPPING_START_EVENT;
            const yaml_char_t *anchor = is_map ? event.data.mapping_start.anchor
                                               : event.data.sequence_start.anchor;
            const yaml_char_t *tag = is_map ? event.data.mapping_start.tag
                                            : event.data.sequence_start.tag;
            if (++nodes > max_nodes || anchor != NULL || tag != NULL || depth >= max_depth ||
                (level != NULL && level->is_map && level->key == NULL)) {
                unsupported("too many values, an anchor, a tag, too deep, or a key that is "
                            "not text");
                failed = 1;
                break;
            }
            Level *next = &stack[depth];
            next->is_map = is_map;
            next->events = PyList_New(0);
            next->position = new_position(&event.start_mark, NULL, NULL);
            if (next->events == NULL || next->position == NULL) {
                clear_level(next);
                failed = 1;
                break;
            }
            next->container = PyObject_CallFunctionObjArgs(is_map ? ymap : ylist,
                                                           next->position, next->events, NULL);
            if (next->container == NULL) {
                clear_level(next);
                failed = 1;
                break;
            }
            depth++;
            break;
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: {
            Level finished = stack[depth - 1];
            memset(&stack[depth - 1], 0, sizeof(Level));
            depth--;
            level = depth > 0 ? &stack[depth - 1] : NULL;
            if (level == NULL)
                have_root = 1;
            failed = add_value(level, finished.container, finished.position, &root) < 0;
            clear_level(&finished);
            break;
        }
        default: /* stream start, document end: nothing to build */
            break;
        }
        yaml_event_delete(&event);
        if (failed)
            goto finish;
    }
    ok = 1;

finish:
    for (int i = 0; i < depth; i++)
        clear_level(&stack[i]);
    PyMem_Free(stack);
    yaml_parser_delete(&parser);
    PyBuffer_Release(&data);
    if (!ok) {
        Py_XDECREF(root);
        return NULL;
    }
    if (!have_root || root == NULL)
        Py_RETURN_NONE;
    return root;
}

static PyObject *
libyaml_version(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    return PyUnicode_FromString(yaml_get_version_string());
}

static PyMethodDef methods[] = {
    {"build", (PyCFunction)(void (*)(void))build, METH_VARARGS | METH_KEYWORDS,
     "build(data, resolve, cache, first_chars, str_tag, ymap, ylist, max_depth, max_nodes)\n"
     "Build the value of one well-formed YAML document (UTF-8 bytes), or raise Unsupported."},
    {"libyaml_version", libyaml_version, METH_NOARGS,
     "The version of libyaml this module was linked with."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "dreamq._yamlbuild",
    .m_doc = "Builds dreamq's YAML values from libyaml's events (optional accelerator).",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC
PyInit__yamlbuild(void)
{
    if (PyType_Ready(&PositionType) < 0)
        return NULL;
    PyObject *module = PyModule_Create(&module_def);
    if (module == NULL)
        return NULL;
    STYLE_PLAIN = PyUnicode_InternFromString("");
    STYLE_SINGLE = PyUnicode_InternFromString("'");
    STYLE_DOUBLE = PyUnicode_InternFromString("\"");
    STYLE_LITERAL = PyUnicode_InternFromString("|");
    STYLE_FOLDED = PyUnicode_InternFromString(">");
    Unsupported = PyErr_NewExceptionWithDoc(
        "dreamq._yamlbuild.Unsupported",
        "The file holds something only the pure-Python builder handles (or reports).", NULL,
        NULL);
    if (!STYLE_PLAIN || !STYLE_SINGLE || !STYLE_DOUBLE || !STYLE_LITERAL || !STYLE_FOLDED ||
        !Unsupported) {
        Py_DECREF(module);
        return NULL;
    }
    Py_INCREF(Unsupported);
    Py_INCREF(&PositionType);
    if (PyModule_AddObject(module, "Unsupported", Unsupported) < 0 ||
        PyModule_AddObject(module, "Position", (PyObject *)&PositionType) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
