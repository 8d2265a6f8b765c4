r"""scikit-learn estimators on :mod:`actlab.nn`: :class:`MLPClassifier` and :class:`MLPRegressor` with ANY catalog
activation.

scikit-learn's own ``MLPClassifier`` offers four activations (identity, logistic, tanh, relu); these estimators
take every entry of the actlab catalog -- a name, alias or config dict for all hidden layers, or a list with one
per hidden layer -- and otherwise follow scikit-learn's conventions, so they work in ``GridSearchCV``,
``Pipeline`` and ``cross_val_score`` and pass ``sklearn.utils.estimator_checks.parametrize_with_checks``:

* ``__init__`` only stores its arguments; everything is validated in ``fit`` (an unknown activation raises the
  catalog's ``ValueError`` listing the valid names);
* fitted attributes end with ``_``: ``model_`` (the trained :class:`actlab.nn.MLP`), ``n_features_in_``,
  ``loss_curve_``, ``n_iter_``, ``coefs_``/``intercepts_`` (views of the ``Dense`` parameters), ``classes_``...;
* the output layer follows the tutorials' rule: binary -> sigmoid, multiclass -> softmax, regression ->
  identity (``out_activation_``); the network is trained on logits with the matching stable loss.

Training is :func:`actlab.nn.fit` with Adam and scikit-learn's loss: the mean data loss of a minibatch plus
``alpha / 2 * sum(||W||^2) / batch_size`` over the weight matrices (not the biases).  Without
``early_stopping`` training stops once the training loss has not improved by ``tol`` for ``n_iter_no_change``
epochs; with it, on the validation loss of a held-out (stratified, for classifiers) ``validation_fraction``,
and the parameters of the best epoch are restored.  Hidden activations run with ``precision='fast'`` (the catalog
kernels in float64 rather than extended precision: a few ulp, 5-30x cheaper; see :class:`actlab.nn.Activation`).
Example::

    >>> from actlab.sklearn import MLPClassifier
    >>> clf = MLPClassifier(hidden_layer_sizes=(64, 64), activation=["gelu", "mish"], random_state=0)
    >>> clf.fit(X, y).score(X_test, y_test)                                     # doctest: +SKIP
"""
from .estimators import MLPClassifier, MLPRegressor

__all__ = ["MLPClassifier", "MLPRegressor"]
