"""The seed post's numpy code, line for line, as an importable module.

Source: /work/shared/seed/nn-backprop-post.md ("NN and Backpropagation",
Andrew Ng's ML course exercise 4 in Python). The functions below are the
post's own, with only these trivial generalisations:

* ``randInitializeWeights`` takes an optional ``epsilon_init`` (default 0.12,
  the post's value); it still creates a *fresh* ``np.random.RandomState(0)``
  on every call, exactly like the post, so Theta1 and Theta2 start from the
  same random stream.
* ``unroll`` / ``reshape_params`` name the post's inline hstack/reshape code.
* ``nnCostFunctionVectorized`` / ``gradientVectorized`` replace the post's
  per-example accumulation loop with one matrix product each (same maths,
  different summation order, so results agree to rounding only).
* ``checkNNGradients`` returns its numbers instead of only printing them.

Labels are 1..num_labels (10 means digit 0). As in the post, a label 0
silently selects the *last* output column through numpy's negative index.
"""

import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def sigmoidGradient(z):
    return sigmoid(z)*(1-sigmoid(z))


def unroll(Theta1, Theta2):
    """The post's ``np.hstack((theta1.ravel(), theta2.ravel()))`` (row-major)."""
    return np.hstack((Theta1.ravel(), Theta2.ravel()))


def reshape_params(nn_params, input_layer_size, hidden_layer_size, num_labels):
    Theta1 = nn_params[:hidden_layer_size * (input_layer_size + 1)]
    Theta1 = Theta1.reshape((hidden_layer_size, input_layer_size + 1))
    Theta2 = nn_params[hidden_layer_size * (input_layer_size + 1):]
    Theta2 = Theta2.reshape((num_labels, hidden_layer_size + 1))
    return Theta1, Theta2


def nnCostFunction(nn_params, input_layer_size, hidden_layer_size,
                   num_labels, X, y, lam):
    Theta1 = nn_params[:hidden_layer_size * (input_layer_size + 1)]
    Theta1 = Theta1.reshape((hidden_layer_size, input_layer_size + 1))
    Theta2 = nn_params[hidden_layer_size * (input_layer_size + 1):]
    Theta2 = Theta2.reshape((num_labels, hidden_layer_size + 1))

    X_train = np.hstack((np.ones((X.shape[0], 1)), X))
    A2 = sigmoid(np.dot(X_train, Theta1.T))
    A2 = np.hstack((np.ones((A2.shape[0], 1)), A2))
    A3 = sigmoid(np.dot(A2, Theta2.T))
    y_train = np.zeros((X.shape[0], num_labels))
    y_train[np.arange(X.shape[0]), y - 1] = 1
    J = -np.multiply(y_train, np.log(A3)) - np.multiply(1 - y_train, np.log(1 - A3))
    J = np.sum(J) / X.shape[0]

    reg = np.sum(np.power(Theta1[:, 1:], 2)) + np.sum(np.power(Theta2[:, 1:], 2))
    J += (reg * lam) / (2 * X.shape[0])

    Theta1_grad = np.zeros(Theta1.shape)
    Theta2_grad = np.zeros(Theta2.shape)
    delta3 = A3 - y_train
    delta2 = np.multiply(np.dot(delta3, Theta2), np.multiply(A2, 1 - A2))
    for i in range(X.shape[0]):
        Theta1_grad += np.dot(delta2[i, 1:][:, np.newaxis], np.atleast_2d(X_train[i]))
        Theta2_grad += np.dot(delta3[i][:, np.newaxis], np.atleast_2d(A2[i]))
    Theta1_grad /= X.shape[0]
    Theta2_grad /= X.shape[0]

    Theta1_grad[:, 1:] += lam * Theta1[:, 1:] / X.shape[0]
    Theta2_grad[:, 1:] += lam * Theta2[:, 1:] / X.shape[0]
    grad = np.hstack((Theta1_grad.ravel(), Theta2_grad.ravel()))
    return J, grad


def randInitializeWeights(L_in, L_out, epsilon_init=0.12):
    rng = np.random.RandomState(0)
    W = rng.rand(L_out, 1 + L_in) * 2 * epsilon_init - epsilon_init
    return W


def initial_params(input_layer_size, hidden_layer_size, num_labels):
    """The post's seed initialisation, unrolled row-major (Theta1 first)."""
    initial_Theta1 = randInitializeWeights(input_layer_size, hidden_layer_size)
    initial_Theta2 = randInitializeWeights(hidden_layer_size, num_labels)
    initial_nn_params = np.hstack((initial_Theta1.ravel(), initial_Theta2.ravel()))
    return initial_nn_params


def cost(nn_params, input_layer_size, hidden_layer_size,
                   num_labels, X, y, lam):
    Theta1 = nn_params[:hidden_layer_size * (input_layer_size + 1)]
    Theta1 = Theta1.reshape((hidden_layer_size, input_layer_size + 1))
    Theta2 = nn_params[hidden_layer_size * (input_layer_size + 1):]
    Theta2 = Theta2.reshape((num_labels, hidden_layer_size + 1))

    X_train = np.hstack((np.ones((X.shape[0], 1)), X))
    A2 = sigmoid(np.dot(X_train, Theta1.T))
    A2 = np.hstack((np.ones((A2.shape[0], 1)), A2))
    A3 = sigmoid(np.dot(A2, Theta2.T))
    y_train = np.zeros((X.shape[0], num_labels))
    y_train[np.arange(X.shape[0]), y - 1] = 1

    J = -np.multiply(y_train, np.log(A3)) - np.multiply(1 - y_train, np.log(1 - A3))
    J = np.sum(J) / X.shape[0]
    reg = np.sum(np.power(Theta1[:, 1:], 2)) + np.sum(np.power(Theta2[:, 1:], 2))
    J += (reg * lam) / (2 * X.shape[0])
    return J


def gradient(nn_params, input_layer_size, hidden_layer_size,
                   num_labels, X, y, lam):
    Theta1 = nn_params[:hidden_layer_size * (input_layer_size + 1)]
    Theta1 = Theta1.reshape((hidden_layer_size, input_layer_size + 1))
    Theta2 = nn_params[hidden_layer_size * (input_layer_size + 1):]
    Theta2 = Theta2.reshape((num_labels, hidden_layer_size + 1))

    X_train = np.hstack((np.ones((X.shape[0], 1)), X))
    A2 = sigmoid(np.dot(X_train, Theta1.T))
    A2 = np.hstack((np.ones((A2.shape[0], 1)), A2))
    A3 = sigmoid(np.dot(A2, Theta2.T))
    y_train = np.zeros((X.shape[0], num_labels))
    y_train[np.arange(X.shape[0]), y - 1] = 1

    Theta1_grad = np.zeros(Theta1.shape)
    Theta2_grad = np.zeros(Theta2.shape)
    delta3 = A3 - y_train
    delta2 = np.multiply(np.dot(delta3, Theta2), np.multiply(A2, 1 - A2))
    for i in range(X.shape[0]):
        Theta1_grad += np.dot(delta2[i, 1:][:, np.newaxis], np.atleast_2d(X_train[i]))
        Theta2_grad += np.dot(delta3[i][:, np.newaxis], np.atleast_2d(A2[i]))
    Theta1_grad /= X.shape[0]
    Theta2_grad /= X.shape[0]

    Theta1_grad[:, 1:] += lam * Theta1[:, 1:] / X.shape[0]
    Theta2_grad[:, 1:] += lam * Theta2[:, 1:] / X.shape[0]
    grad = np.hstack((Theta1_grad.ravel(), Theta2_grad.ravel()))
    return grad


def gradientVectorized(nn_params, input_layer_size, hidden_layer_size,
                       num_labels, X, y, lam):
    """``gradient`` with the per-example loop replaced by two matrix products."""
    Theta1 = nn_params[:hidden_layer_size * (input_layer_size + 1)]
    Theta1 = Theta1.reshape((hidden_layer_size, input_layer_size + 1))
    Theta2 = nn_params[hidden_layer_size * (input_layer_size + 1):]
    Theta2 = Theta2.reshape((num_labels, hidden_layer_size + 1))

    X_train = np.hstack((np.ones((X.shape[0], 1)), X))
    A2 = sigmoid(np.dot(X_train, Theta1.T))
    A2 = np.hstack((np.ones((A2.shape[0], 1)), A2))
    A3 = sigmoid(np.dot(A2, Theta2.T))
    y_train = np.zeros((X.shape[0], num_labels))
    y_train[np.arange(X.shape[0]), y - 1] = 1

    delta3 = A3 - y_train
    delta2 = np.multiply(np.dot(delta3, Theta2), np.multiply(A2, 1 - A2))
    Theta1_grad = np.dot(delta2[:, 1:].T, X_train)
    Theta2_grad = np.dot(delta3.T, A2)
    Theta1_grad /= X.shape[0]
    Theta2_grad /= X.shape[0]

    Theta1_grad[:, 1:] += lam * Theta1[:, 1:] / X.shape[0]
    Theta2_grad[:, 1:] += lam * Theta2[:, 1:] / X.shape[0]
    grad = np.hstack((Theta1_grad.ravel(), Theta2_grad.ravel()))
    return grad


def nnCostFunctionVectorized(nn_params, input_layer_size, hidden_layer_size,
                             num_labels, X, y, lam):
    """(J, grad) with the vectorised gradient; J is the post's ``cost``."""
    J = cost(nn_params, input_layer_size, hidden_layer_size, num_labels, X, y, lam)
    grad = gradientVectorized(nn_params, input_layer_size, hidden_layer_size,
                              num_labels, X, y, lam)
    return J, grad


def checkNNGradients(lam, grad_fn=gradient):
    """The post's gradient check; returns (grad, num_grad, rel_diff)."""
    input_layer_size = 3
    hidden_layer_size = 5
    num_labels = 3
    m = 5
    initial_Theta1 = randInitializeWeights(input_layer_size, hidden_layer_size)
    initial_Theta2 = randInitializeWeights(hidden_layer_size, num_labels)
    rng = np.random.RandomState(0)
    X = rng.rand(m, input_layer_size)
    y = rng.randint(num_labels, size=m)
    nn_params = np.hstack((initial_Theta1.ravel(), initial_Theta2.ravel()))
    grad = grad_fn(nn_params, input_layer_size, hidden_layer_size, num_labels, X, y, lam)
    num_grad = np.zeros(len(grad))
    e = 1e-4
    for i in range(len(grad)):
        nn_params1 = nn_params.copy()
        nn_params1[i] += e
        cost1 = cost(nn_params1, input_layer_size, hidden_layer_size, num_labels, X, y, lam)
        nn_params2 = nn_params.copy()
        nn_params2[i] -= e
        cost2 = cost(nn_params2, input_layer_size, hidden_layer_size, num_labels, X, y, lam)
        num_grad[i] = (cost1 - cost2) / (2 * e)
    rel = np.linalg.norm(grad - num_grad) / np.linalg.norm(grad + num_grad)
    assert rel < 1e-9
    return grad, num_grad, rel


def debugInitializeWeights(fan_out, fan_in):
    """The course's debugInitializeWeights (Octave): sin(1..n) column-major / 10."""
    n = fan_out * (1 + fan_in)
    return (np.sin(np.arange(1, n + 1)) / 10).reshape((fan_out, 1 + fan_in), order='F')


def predict_proba(Theta1, Theta2, X):
    """The post's ``predict`` up to (and returning) the output activations A3."""
    X = np.hstack((np.ones((X.shape[0], 1)), X))
    A2 = sigmoid(np.dot(X, Theta1.T))
    A2 = np.hstack((np.ones((A2.shape[0], 1)), A2))
    A3 = sigmoid(np.dot(A2, Theta2.T))
    return A3


def predict(Theta1, Theta2, X):
    X = np.hstack((np.ones((X.shape[0], 1)), X))
    A2 = sigmoid(np.dot(X, Theta1.T))
    A2 = np.hstack((np.ones((A2.shape[0], 1)), A2))
    A3 = sigmoid(np.dot(A2, Theta2.T))
    pred = np.argmax(A3, axis=1) + 1
    return pred


if __name__ == "__main__":
    # Self-check against /work/shared/REFERENCE.md.
    for lam, J_ref in ((0, 2.117060154072396), (3, 2.1624722121993045)):
        grad, num_grad, rel = checkNNGradients(lam)
        p = unroll(randInitializeWeights(3, 5), randInitializeWeights(5, 3))
        rng = np.random.RandomState(0)
        X = rng.rand(5, 3)
        y = rng.randint(3, size=5)
        J = cost(p, 3, 5, 3, X, y, lam)
        print("seed check lam=%d: J=%r (ref %r) grad[:5]=%s rel=%.3g"
              % (lam, float(J), J_ref, grad[:5], rel))
    p0 = initial_params(400, 25, 10)
    print("seed init 400-25-10: first5=%s sum=%r (ref -8.860572614818569)"
          % (p0[:5], float(p0.sum())))
